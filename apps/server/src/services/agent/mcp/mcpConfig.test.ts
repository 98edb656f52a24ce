import { describe, expect, it } from 'vitest';
import { maxServers, parseMcpConfig } from './mcpConfig.js';

describe('parseMcpConfig', () => {
  it('reads stdio and http servers in the format Claude Code uses', () => {
    const parsed = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', 'some-server'], env: { TOKEN: 'x' } },
          'local-tool': { type: 'stdio', command: 'node' },
          remote_1: {
            type: 'http',
            url: 'https://mcp.example.com/mcp',
            headers: { Authorization: 'Bearer t' },
          },
        },
      }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.servers).toEqual([
      { name: 'files', transport: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { TOKEN: 'x' } },
      { name: 'local-tool', transport: 'stdio', command: 'node', args: [], env: {} },
      {
        name: 'remote_1',
        transport: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer t' },
      },
    ]);
  });

  it('names the server and the field that is wrong, and keeps the good servers', () => {
    const parsed = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          good: { command: 'node', args: ['server.js'] },
          noCommand: { args: ['x'] },
          badArgs: { command: 'node', args: 'server.js' },
          badEnv: { command: 'node', env: { 'NOT A NAME': 'x' } },
          badUrl: { type: 'http', url: 'ftp://example.com' },
          urlOnly: { url: 'https://example.com/mcp' },
          sse: { type: 'sse', url: 'https://example.com/sse' },
          weird: { type: 'websocket', url: 'wss://example.com' },
          'has space': { command: 'node' },
          [`x${'y'.repeat(32)}`]: { command: 'node' },
          notAnObject: 'node server.js',
        },
      }),
    );
    expect(parsed.servers.map((server) => server.name)).toEqual(['good']);
    expect(parsed.problems).toEqual([
      `.mcp.json: MCP server 'noCommand': "command" is missing`,
      `.mcp.json: MCP server 'badArgs': "args" must be an array of strings`,
      `.mcp.json: MCP server 'badEnv': "env" must be an object of variable names (letters, digits, _) to string values`,
      `.mcp.json: MCP server 'badUrl': "url" must be an http:// or https:// URL`,
      `.mcp.json: MCP server 'urlOnly': has a "url" but no "type": add "type": "http"`,
      `.mcp.json: MCP server 'sse': type 'sse' (the older HTTP+SSE transport) is not supported: use "type": "http"`,
      `.mcp.json: MCP server 'weird': type "websocket" is not known: use "stdio" (the default) or "http"`,
      `.mcp.json: MCP server 'has space': the name must be 1–32 letters, digits, '_' or '-'`,
      `.mcp.json: MCP server 'x${'y'.repeat(32)}': the name must be 1–32 letters, digits, '_' or '-'`,
      `.mcp.json: MCP server 'notAnObject': must be an object with "command" (stdio) or "type": "http" and "url"`,
    ]);
  });

  it('explains a file that is not JSON or has no mcpServers', () => {
    expect(parseMcpConfig('{ "mcpServers": {').problems[0]).toMatch(/^\.mcp\.json is not valid JSON: /);
    expect(parseMcpConfig('{"servers": {}}').problems).toEqual([
      '.mcp.json must be an object with "mcpServers": { "<name>": { … } }',
    ]);
    expect(parseMcpConfig('[]').servers).toEqual([]);
  });

  it(`uses at most ${maxServers} servers`, () => {
    const many = Object.fromEntries(
      Array.from({ length: maxServers + 2 }, (_, index) => [`s${index}`, { command: 'node' }]),
    );
    const parsed = parseMcpConfig(JSON.stringify({ mcpServers: many }));
    expect(parsed.servers).toHaveLength(maxServers);
    expect(parsed.problems).toEqual([
      `.mcp.json: MCP server 's${maxServers}': skipped, a project may declare at most ${maxServers} MCP servers`,
      `.mcp.json: MCP server 's${maxServers + 1}': skipped, a project may declare at most ${maxServers} MCP servers`,
    ]);
  });
});
