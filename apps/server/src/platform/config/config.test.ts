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
});
