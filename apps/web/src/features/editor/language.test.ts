import { describe, expect, it } from 'vitest';
import { languageForPath, type LanguageInfo } from './language';

// The shape of monaco.languages.getLanguages() for the languages projects here use.
const languages: LanguageInfo[] = [
  { id: 'typescript', extensions: ['.ts', '.tsx', '.cts', '.mts'] },
  { id: 'javascript', extensions: ['.js', '.es6', '.jsx', '.mjs', '.cjs'], filenames: ['jakefile'] },
  { id: 'python', extensions: ['.py', '.rpy', '.pyw', '.cpy', '.gyp', '.gypi'] },
  { id: 'go', extensions: ['.go'] },
  { id: 'json', extensions: ['.json', '.bowerrc', '.jshintrc', '.jscsrc', '.eslintrc', '.babelrc', '.har'] },
  {
    id: 'html',
    extensions: ['.html', '.htm', '.shtml', '.xhtml', '.mdoc', '.jsp', '.asp', '.aspx', '.jshtm'],
  },
  { id: 'css', extensions: ['.css'] },
  {
    id: 'markdown',
    extensions: ['.md', '.markdown', '.mdown', '.mkdn', '.mkd', '.mdwn', '.mdtxt', '.mdtext'],
  },
  { id: 'yaml', extensions: ['.yaml', '.yml'] },
  {
    id: 'dockerfile',
    extensions: ['.dockerfile'],
    filenames: ['Dockerfile'],
    filenamePatterns: ['Dockerfile.*'],
  },
  { id: 'ini', extensions: ['.ini', '.properties', '.gitconfig'], filenames: ['config', '.gitattributes'] },
];

describe('languageForPath', () => {
  it.each([
    ['src/App.tsx', 'typescript'],
    ['types/global.d.ts', 'typescript'],
    ['server.mjs', 'javascript'],
    ['app/main.py', 'python'],
    ['main.go', 'go'],
    ['package.json', 'json'],
    ['tsconfig.jsonc', 'json'],
    ['public/index.html', 'html'],
    ['styles/site.CSS', 'css'],
    ['README.md', 'markdown'],
    ['.github/workflows/ci.yml', 'yaml'],
    ['Dockerfile', 'dockerfile'],
    ['deploy/Dockerfile.prod', 'dockerfile'],
    ['.env', 'ini'],
    ['.env.local', 'ini'],
    ['.gitignore', 'ini'],
    ['LICENSE', 'plaintext'],
    ['notes.unknownext', 'plaintext'],
    ['.ts', 'plaintext'],
  ])('%s → %s', (path, id) => {
    expect(languageForPath(path, languages)).toBe(id);
  });
});
