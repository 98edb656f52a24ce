import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TemplateManifestSchema } from '@vaporform/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRuntimeProfile } from './runtimeProfile.js';

const template = TemplateManifestSchema.parse({
  id: 'node-express',
  name: 'Node',
  description: 'A node app',
  language: 'typescript',
  framework: 'Express',
  stack: 'node',
  install: 'npm install',
  dev: 'npm run dev',
  port: 3000,
  env: { PORT: '3000' },
  dependencyFiles: ['package.json'],
  needsNetwork: false,
});

describe('resolveRuntimeProfile', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'vaporform-profile-'));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  const put = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), content);
  };

  it('runs the template when the workspace brings nothing', async () => {
    const profile = await resolveRuntimeProfile(workspace, template);
    expect(profile).toMatchObject({
      environment: 'template',
      image: { kind: 'stack', stack: 'node' },
      install: 'npm install',
      dev: 'npm run dev',
      port: 3000,
      installPersists: true,
    });
  });

  it('reads devcontainer.json with comments: image, commands, ports and env', async () => {
    await put(
      '.devcontainer/devcontainer.json',
      `{
        // VS Code writes JSONC
        "image": "vaporform/runtime-node:latest",
        "postCreateCommand": ["npm", "ci", "--prefer-offline"],
        "forwardPorts": ["localhost:5000", 6000],
        "containerEnv": { "APP_MODE": "dev" },
        "customizations": { "vaporform": { "dev": "node server.js", "healthPath": "/up" } },
      }`,
    );
    const profile = await resolveRuntimeProfile(workspace, template);
    expect(profile).toMatchObject({
      environment: 'devcontainer',
      image: { kind: 'existing', name: 'vaporform/runtime-node:latest' },
      install: "'npm' 'ci' '--prefer-offline'",
      dev: 'node server.js',
      healthPath: '/up',
      port: 5000,
      env: { PORT: '5000', APP_MODE: 'dev' },
      installPersists: false,
    });
    expect(profile.dependencyFiles).toContain('.devcontainer/devcontainer.json');
  });

  it('runs named postCreateCommands side by side', async () => {
    await put('.devcontainer.json', '{"image":"x","postCreateCommand":{"a":"echo a","b":["echo","b"]}}');
    const profile = await resolveRuntimeProfile(workspace, template);
    expect(profile.install).toBe("(echo a) & ('echo' 'b') & wait");
  });

  it('builds a Dockerfile from the devcontainer folder, never from outside the workspace', async () => {
    await put('.devcontainer/devcontainer.json', '{"build":{"dockerfile":"Dockerfile","args":{"V":"1"}}}');
    await put('.devcontainer/Dockerfile', 'FROM vaporform/runtime-node:latest\n');
    expect((await resolveRuntimeProfile(workspace, template)).image).toEqual({
      kind: 'build',
      contextDir: path.join(await realpath(workspace), '.devcontainer'),
      dockerfile: 'Dockerfile',
      args: { V: '1' },
    });

    await put('.devcontainer/devcontainer.json', '{"build":{"dockerfile":"Dockerfile","context":"../.."}}');
    await expect(resolveRuntimeProfile(workspace, template)).rejects.toThrow(/must be inside the workspace/);

    await symlink('/etc', path.join(workspace, 'etc-link'));
    await put(
      '.devcontainer/devcontainer.json',
      '{"build":{"dockerfile":"Dockerfile","context":"../etc-link"}}',
    );
    await expect(resolveRuntimeProfile(workspace, template)).rejects.toThrow(/must be inside the workspace/);
  });

  it('names the file and the problem when the definition is broken', async () => {
    await put('.devcontainer/devcontainer.json', '{"image": }');
    await expect(resolveRuntimeProfile(workspace, template)).rejects.toThrow(
      /\.devcontainer\/devcontainer\.json is invalid: ValueExpected/,
    );
    await put('.devcontainer/devcontainer.json', '{"forwardPorts": [3000]}');
    await expect(resolveRuntimeProfile(workspace, template)).rejects.toThrow(
      /needs "image" or "build.dockerfile"/,
    );
    await put('.devcontainer/devcontainer.json', '{"image":"x","containerEnv":{"BAD NAME":"1"}}');
    await expect(resolveRuntimeProfile(workspace, template)).rejects.toThrow(/containerEnv/);
  });

  it('builds a top-level Dockerfile and counts it as a dependency file', async () => {
    await put('Dockerfile', 'FROM vaporform/runtime-node:latest\n');
    const profile = await resolveRuntimeProfile(workspace, template);
    expect(profile).toMatchObject({
      environment: 'dockerfile',
      image: { kind: 'build', contextDir: workspace, dockerfile: 'Dockerfile' },
      dev: 'npm run dev',
    });
    expect(profile.dependencyFiles).toContain('Dockerfile');
  });

  it('ignores a devcontainer.json that is a symlink (it could point anywhere on the host)', async () => {
    await put('real.json', '{"image":"x"}');
    await mkdir(path.join(workspace, '.devcontainer'));
    await symlink(path.join(workspace, 'real.json'), path.join(workspace, '.devcontainer/devcontainer.json'));
    expect((await resolveRuntimeProfile(workspace, template)).environment).toBe('template');
  });
});
