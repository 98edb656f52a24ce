import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve('.vaporform'));
    expect(config.publicUrl.origin).toBe('http://localhost:4000');
    expect(config.previewHost).toBe('preview.localhost:4000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.runtime).toBe('auto');
  });

  it('derives the public URL and preview host from PORT', () => {
    const config = loadConfig({ PORT: '5123' });
    expect(config.publicUrl.origin).toBe('http://localhost:5123');
    expect(config.previewHost).toBe('preview.localhost:5123');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(4000);
  });

  it('names every bad variable and the value it got', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*"eighty"/);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgres/);
  });

  it('never echoes a secret or a connection string, which may hold a password', () => {
    const attempt = () =>
      loadConfig({
        OPENAI_BASE_URL: 'not a url',
        OPENAI_API_KEY: 'sk-live-secret',
        DATABASE_URL: 'mysql://u:hunter2@db',
      });
    expect(attempt).toThrow(/OPENAI_BASE_URL/);
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).not.toThrow(/sk-live-secret|hunter2/);
  });

  it('reads VAPORFORM_SECRET_KEYS as an ordered key list, and without it leaves the key file in charge', () => {
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const config = loadConfig({
      VAPORFORM_SECRET_KEYS: `new:${first.toString('base64')},old:${second.toString('base64')}`,
    });
    expect(config.secretKeys?.ids).toEqual(['new', 'old']);
    expect(config.secretKeys?.current.key.equals(first)).toBe(true);
    expect(loadConfig({}).secretKeys).toBeUndefined();
  });

  it('refuses a malformed VAPORFORM_SECRET_KEYS without echoing any of it', () => {
    const material = randomBytes(20).toString('base64');
    const attempt = () => loadConfig({ VAPORFORM_SECRET_KEYS: `k1:${material}` });
    expect(attempt).toThrow(/VAPORFORM_SECRET_KEYS: entry 1: the key is not 32 bytes/);
    expect(attempt).not.toThrow(material);
  });
});
