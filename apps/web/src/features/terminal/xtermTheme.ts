import type { ITheme } from '@xterm/xterm';

/** xterm theme keys and the CSS variables they come from (theme.css and terminal.css). */
const variables: Partial<Record<keyof ITheme, string>> = {
  background: '--terminal-bg',
  foreground: '--fg',
  cursor: '--fg',
  cursorAccent: '--terminal-bg',
  selectionBackground: '--terminal-selection',
  black: '--terminal-ansi-black',
  red: '--terminal-ansi-red',
  green: '--terminal-ansi-green',
  yellow: '--terminal-ansi-yellow',
  blue: '--terminal-ansi-blue',
  magenta: '--terminal-ansi-magenta',
  cyan: '--terminal-ansi-cyan',
  white: '--terminal-ansi-white',
  brightBlack: '--terminal-ansi-bright-black',
  brightRed: '--terminal-ansi-bright-red',
  brightGreen: '--terminal-ansi-bright-green',
  brightYellow: '--terminal-ansi-bright-yellow',
  brightBlue: '--terminal-ansi-bright-blue',
  brightMagenta: '--terminal-ansi-bright-magenta',
  brightCyan: '--terminal-ansi-bright-cyan',
  brightWhite: '--terminal-ansi-bright-white',
};

/**
 * The terminal's colours as the CSS variables of the current theme say (xterm paints on a canvas and cannot
 * read CSS itself). Unset variables are left out, so xterm's defaults fill in.
 */
export function themeFromCss(element: Element = document.documentElement): ITheme {
  const style = getComputedStyle(element);
  const theme: Record<string, string> & ITheme = {};
  for (const [key, variable] of Object.entries(variables)) {
    const value = variable ? style.getPropertyValue(variable).trim() : '';
    if (value) theme[key] = value;
  }
  return theme;
}

export const terminalFontFamily =
  "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', 'Courier New', monospace";
