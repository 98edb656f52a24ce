const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The pages the preview shows instead of the app: plain, self-contained, no scripts. */
export function previewPage(options: {
  title: string;
  message: string;
  lines?: string[];
  refreshSeconds?: number;
}): string {
  const refresh =
    options.refreshSeconds === undefined
      ? ''
      : `<meta http-equiv="refresh" content="${options.refreshSeconds}">`;
  const log =
    options.lines && options.lines.length > 0 ? `<pre>${options.lines.map(escape).join('\n')}</pre>` : '';
  return `<!doctype html><html><head><meta charset="utf-8">${refresh}<title>${escape(options.title)}</title>
<style>body{font:15px system-ui,sans-serif;margin:3rem auto;max-width:48rem;color:#222;padding:0 1rem}
pre{background:#111;color:#eee;padding:1rem;overflow:auto;font-size:12px}</style></head>
<body><h1>${escape(options.title)}</h1><p>${escape(options.message)}</p>${log}</body></html>`;
}
