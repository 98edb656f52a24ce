/**
 * A dependency-free MCP server speaking newline-delimited JSON-RPC on stdio, as plain Node source to write
 * into a project workspace. `whoami` reports where and as whom it runs; a non-JSON line on stdout at start
 * checks that clients skip log noise.
 */
export const stdioMcpServerSource = String.raw`
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';

const tools = [
  {
    name: 'whoami',
    description: 'Who and where this server runs',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'echo',
    description: 'Answers with the text it is given',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
];

const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const reply = (id, result) => send({ jsonrpc: '2.0', id, result });
const fail = (id, code, message) => send({ jsonrpc: '2.0', id, error: { code, message } });
const text = (value) => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] });

console.log('stdio MCP test server starting (this line is not JSON-RPC)');
console.error('stderr is for logs');

createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined) return; // a notification: nothing to answer
  const { id, method, params } = message;
  if (method === 'initialize') {
    return reply(id, {
      protocolVersion: params.protocolVersion,
      capabilities: { tools: {} },
      serverInfo: { name: 'stdio-test', version: '1.0.0' },
    });
  }
  if (method === 'ping') return reply(id, {});
  if (method === 'tools/list') return reply(id, { tools });
  if (method !== 'tools/call') return fail(id, -32601, 'Method not found: ' + method);
  const args = params.arguments ?? {};
  if (params.name === 'echo') return reply(id, text(String(args.text)));
  if (params.name === 'whoami') {
    return reply(id, text({
      uid: process.getuid(),
      cwd: process.cwd(),
      pid: process.pid,
      hostname: hostname(),
      dockerenv: existsSync('/.dockerenv'),
      greeting: process.env.GREETING ?? null,
      home: process.env.HOME,
    }));
  }
  return fail(id, -32602, 'Unknown tool: ' + params.name);
});
`;
