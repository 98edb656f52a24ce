import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SecretKeyring } from './SecretKeyring.js';

export interface KeyringSource {
  /** Keys from `VAPORFORM_SECRET_KEYS`; when set, the key file is neither read nor created. */
  configured: SecretKeyring | undefined;
  /** The data directory, where the embedded default keeps its keys (`keyFilePath`). */
  dataDir: string;
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'secrets.keys');
}

export interface LoadedKeyring {
  keyring: SecretKeyring;
  /** The file the keys came from, or null when they came from the environment. */
  keyFile: string | null;
  /** True when this call generated the key file (the server logs where, so it gets backed up). */
  created: boolean;
}

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

const fileHeader = [
  '# Vaporform secret key-encryption keys: `id:base64(32 bytes)`, one per line; the first wraps new secrets,',
  '# every line unwraps. Back this file up with the database: without it no stored secret can be opened.',
  '# Keep it mode 0600. To rotate: add a new key as the first line, restart, run `npm run secrets:rotate`.',
  '',
].join('\n');

function newKeyId(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `k-${day}-${randomBytes(2).toString('hex')}`;
}

async function createKeyFile(file: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = `${fileHeader}${newKeyId()}:${randomBytes(32).toString('base64')}\n`;
  try {
    // `wx`: a replica starting at the same moment may have written it first; then its key is the one.
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The key list: from configuration when given, else from the key file in the data directory, generated
 * (0600) on first start. A key file others may read is refused rather than used: whoever reads it can open
 * every secret in a copy of the database.
 */
export async function loadKeyring(source: KeyringSource): Promise<LoadedKeyring> {
  if (source.configured) return { keyring: source.configured, keyFile: null, created: false };
  const file = keyFilePath(source.dataDir);
  let created = false;
  let info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) {
    created = await createKeyFile(file);
    info = await stat(file);
  }
  if (!info.isFile()) throw new KeyFileError(`The secrets key file ${file} is not a regular file`);
  const mode = info.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeyFileError(
      `The secrets key file ${file} is open to other users (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `refusing to start. Restrict it with: chmod 600 ${file}`,
    );
  }
  try {
    return { keyring: SecretKeyring.parse(await readFile(file, 'utf8')), keyFile: file, created };
  } catch (error) {
    throw new KeyFileError(`The secrets key file ${file}: ${(error as Error).message}`);
  }
}
