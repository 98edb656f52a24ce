import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../platform/config/config.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { forbiddenAddressKind } from './addressPolicy.js';
import { McpHostPolicy } from './mcpHostPolicy.js';

describe('forbiddenAddressKind', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.0.10', 'a private address'],
    ['169.254.169.254', 'a link-local (cloud metadata) address'],
    ['100.100.100.200', 'a shared (carrier-grade NAT) address'],
    ['0.0.0.0', 'an unspecified ("this host") address'],
    ['::1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['fd00:ec2::254', 'a unique-local (private) address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:a9fe:a9fe', 'a link-local (cloud metadata) address'],
    ['64:ff9b::a00:1', 'a private address'],
    ['2002:7f00:1::', 'a loopback address'],
  ])('refuses %s as %s', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(forbiddenAddressKind(address)).toBeNull();
    },
  );
});

describe('McpHostPolicy', () => {
  let server: http.Server;
  let port = 0;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['http://127.0.0.1:8080/mcp', '127.0.0.1 is a loopback address'],
    ['http://10.0.0.5/mcp', '10.0.0.5 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local (cloud metadata) address'],
    ['http://[::1]:3000/mcp', '::1 is a loopback address'],
    ['http://localhost:3000/mcp', /^localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
  ])('refuses %s with a message that says why and how to allow it', async (url, reason) => {
    const policy = new McpHostPolicy([]);
    const refusal = await policy.check(new URL(url)).then(
      () => null,
      (error: unknown) => error,
    );
    policy.dispose();
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('forbidden');
    expect((refusal as AppError).message).toMatch(reason);
    expect((refusal as AppError).message).toContain('VAPORFORM_MCP_ALLOWED_HOSTS');
  });

  it('refuses other schemes', async () => {
    const policy = new McpHostPolicy([]);
    await expect(policy.check(new URL('file:///etc/passwd'))).rejects.toThrow(/file: URLs are not supported/);
    policy.dispose();
  });

  it('connects nowhere the check refuses, also when the name resolves at connect time', async () => {
    const policy = new McpHostPolicy([]);
    await expect(policy.fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(/loopback/);
    await expect(policy.fetch(`http://localhost:${port}/`)).rejects.toThrow(/loopback/);
    policy.dispose();
  });

  it('checks the addresses again when it connects (a DNS answer may change after the check)', async () => {
    const resolve = (policy: McpHostPolicy, all: boolean) =>
      new Promise<unknown>((done) =>
        policy.lookup('localhost', { all }, (error, address) => done(error ?? address)),
      );
    const guarded = new McpHostPolicy([]);
    for (const all of [false, true]) {
      const refused = await resolve(guarded, all);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as Error).message).toMatch(/^localhost resolves to .*, a loopback address/);
    }
    const allowed = new McpHostPolicy(['localhost']);
    expect(await resolve(allowed, false)).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await resolve(allowed, true)).toEqual(
      expect.arrayContaining([expect.objectContaining({ family: 4 })]),
    );
    guarded.dispose();
    allowed.dispose();
  });

  it('reaches a listed host, named as in VAPORFORM_MCP_ALLOWED_HOSTS', async () => {
    const { agent } = loadConfig({ VAPORFORM_MCP_ALLOWED_HOSTS: ' 127.0.0.1 , LOCALHOST,[::1]' });
    expect(agent.mcpAllowedHosts).toEqual(['127.0.0.1', 'LOCALHOST', '[::1]']);
    expect(loadConfig({}).agent.mcpAllowedHosts).toEqual([]);
    const policy = new McpHostPolicy(agent.mcpAllowedHosts);
    for (const host of ['127.0.0.1', 'localhost']) {
      const response = await policy.fetch(`http://${host}:${port}/`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('reached');
    }
    await expect(policy.check(new URL('http://[::1]:1/'))).resolves.toBeUndefined();
    await expect(policy.check(new URL('http://10.0.0.1/'))).rejects.toThrow(/private/);
    policy.dispose();
  });
});
