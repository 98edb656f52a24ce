import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFilePath, KeyFileError, loadKeyring } from './loadKeyring.js';
import { SecretKeyring } from './SecretKeyring.js';

describe('loadKeyring', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-keys-'));
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it('generates a 0600 key file on first start and reads the same key afterwards', async () => {
    const first = await loadKeyring({ configured: undefined, dataDir });
    expect(first.created).toBe(true);
    expect(first.keyFile).toBe(keyFilePath(dataDir));
    expect((await stat(keyFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(keyFilePath(dataDir)))).mode & 0o077).toBe(0);
    const second = await loadKeyring({ configured: undefined, dataDir });
    expect(second.created).toBe(false);
    expect(second.keyring.ids).toEqual(first.keyring.ids);
    expect(second.keyring.current.key.equals(first.keyring.current.key)).toBe(true);
  });

  it('agrees on one key when two starts race on an empty data directory', async () => {
    const loaded = await Promise.all([1, 2, 3].map(() => loadKeyring({ configured: undefined, dataDir })));
    expect(loaded.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(loaded.map((result) => result.keyring.current.key.toString('hex'))).size).toBe(1);
  });

  it.each([0o644, 0o640, 0o604])(
    'refuses to start with a key file of mode %o, saying chmod 600',
    async (mode) => {
      await loadKeyring({ configured: undefined, dataDir });
      await chmod(keyFilePath(dataDir), mode);
      const attempt = loadKeyring({ configured: undefined, dataDir });
      await expect(attempt).rejects.toThrow(KeyFileError);
      await expect(attempt).rejects.toThrow(`chmod 600 ${keyFilePath(dataDir)}`);
    },
  );

  it('uses configured keys and then neither reads nor creates the key file', async () => {
    const configured = new SecretKeyring([{ id: 'env', key: randomBytes(32) }]);
    const loaded = await loadKeyring({ configured, dataDir });
    expect(loaded).toMatchObject({ keyFile: null, created: false });
    expect(loaded.keyring.current.id).toBe('env');
    await expect(stat(keyFilePath(dataDir))).rejects.toThrow(/ENOENT/);
  });

  it('names the file, not its content, when the file is malformed', async () => {
    await mkdir(path.dirname(keyFilePath(dataDir)), { recursive: true });
    const leaked = randomBytes(16).toString('base64');
    await writeFile(keyFilePath(dataDir), `k1:${leaked}\n`, { mode: 0o600 });
    const attempt = loadKeyring({ configured: undefined, dataDir });
    await expect(attempt).rejects.toThrow(keyFilePath(dataDir));
    await expect(attempt).rejects.not.toThrow(leaked);
    expect(await readFile(keyFilePath(dataDir), 'utf8')).toContain(leaked);
  });
});
