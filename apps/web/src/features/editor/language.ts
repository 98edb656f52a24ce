/** What Monaco's language registry says about one language (`monaco.languages.getLanguages()`). */
export interface LanguageInfo {
  id: string;
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
}

/** Names and extensions Monaco does not claim but projects are full of. */
const extras: Record<string, string> = {
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsonc': 'json',
  '.json5': 'json',
  '.webmanifest': 'json',
  '.env': 'ini',
  '.gitignore': 'ini',
  '.dockerignore': 'ini',
  '.editorconfig': 'ini',
  '.npmrc': 'ini',
  '.toml': 'ini',
  '.svg': 'xml',
  '.vue': 'html',
  '.svelte': 'html',
  '.lock': 'plaintext',
  containerfile: 'dockerfile',
  makefile: 'plaintext',
};

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

/**
 * The Monaco language id for a file, from its name: exact file names first (`Dockerfile`), then name
 * patterns (`Dockerfile.*`), then the longest matching extension (`.d.ts` before `.ts`); `plaintext` else.
 */
export function languageForPath(path: string, languages: readonly LanguageInfo[]): string {
  const name = basename(path);
  const lower = name.toLowerCase();
  for (const language of languages) {
    if (language.filenames?.some((candidate) => candidate.toLowerCase() === lower)) return language.id;
  }
  const extra = extras[lower];
  if (extra) return extra;
  for (const language of languages) {
    if (language.filenamePatterns?.some((pattern) => globToRegExp(pattern).test(name))) return language.id;
  }
  let best: { id: string; length: number } | null = null;
  for (const language of languages) {
    for (const extension of language.extensions ?? []) {
      const ext = extension.toLowerCase();
      if (lower.endsWith(ext) && lower.length > ext.length && (!best || ext.length > best.length)) {
        best = { id: language.id, length: ext.length };
      }
    }
  }
  if (best) return best.id;
  const dot = lower.lastIndexOf('.');
  // `.env.local`, `.env.production`: the first dotted part names the kind of file.
  const dotted = lower.startsWith('.') ? `.${lower.slice(1).split('.')[0] ?? ''}` : '';
  return extras[dot > 0 ? lower.slice(dot) : dotted] ?? extras[dotted] ?? 'plaintext';
}
