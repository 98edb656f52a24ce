import v8 from 'node:v8';
import { AppError } from '../../platform/errors/AppError.js';

// V8's linear-time engine (the `l` flag) never backtracks, so a user's pattern cannot stall the event
// loop (ReDoS). It rejects what it cannot run in linear time: backreferences, lookaround, and the `i` flag.
v8.setFlagsFromString('--enable-experimental-regexp-engine');

function swapCase(character: string): string {
  const lower = character.toLowerCase();
  return lower === character ? character.toUpperCase() : lower;
}

/**
 * Rewrites a pattern so it matches regardless of case without the `i` flag: letters become `[xX]`, and
 * each character class gets its letters in the other case too. Escapes (`\d`, `\S`, `\u00e9`) are kept.
 */
export function caseFolded(source: string): string {
  let output = '';
  for (let index = 0; index < source.length; index++) {
    const character = source[index]!;
    if (character === '\\') {
      output += source.slice(index, index + 2);
      index++;
    } else if (character === '[') {
      let end = index + 1;
      if (source[end] === '^') end++;
      if (source[end] === ']') end++;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
      const negated = source[index + 1] === '^';
      const body = source.slice(index + (negated ? 2 : 1), end);
      let swapped = '';
      for (let inner = 0; inner < body.length; inner++) {
        if (body[inner] === '\\') {
          swapped += body.slice(inner, inner + 2);
          inner++;
        } else swapped += swapCase(body[inner]!);
      }
      output += `[${negated ? '^' : ''}${body}${swapped === body ? '' : swapped}]`;
      index = end;
    } else if (/\p{L}/u.test(character) && swapCase(character) !== character) {
      output += `[${character}${swapCase(character)}]`;
    } else {
      output += character;
    }
  }
  return output;
}

/** A global RegExp that runs in linear time, or a `validation_failed` saying why it cannot. */
export function linearRegExp(source: string, caseSensitive: boolean): RegExp {
  try {
    new RegExp(source);
  } catch (error) {
    throw new AppError(
      'validation_failed',
      `The search pattern is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  try {
    return new RegExp(caseSensitive ? source : caseFolded(source), 'gl');
  } catch {
    throw new AppError(
      'validation_failed',
      'The search pattern uses backreferences or lookaround, which search does not support (they can take exponential time)',
    );
  }
}
