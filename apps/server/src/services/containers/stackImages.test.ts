import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerRuntime } from './dockerRuntime.js';
import { StackImages } from './stackImages.js';
import {
  describeWithDocker,
  dockerUnavailableReason,
  ensureTestImage,
  socketPath,
  testImage,
} from './testing/dockerTestSupport.js';

const unavailable = await dockerUnavailableReason();

describeWithDocker(unavailable, 'StackImages builds a missing image once, with progress', () => {
  const docker = new Docker({ socketPath });
  const runtime = new DockerRuntime({ docker });
  const tag = `vaporform-test/stack-${randomUUID().slice(0, 8)}:latest`;
  let dir: string;
  let script: string;

  beforeAll(async () => {
    await ensureTestImage(docker);
    dir = await mkdtemp(path.join(os.tmpdir(), 'vaporform-stack-images-'));
    script = path.join(dir, 'build.mjs');
    // Stands in for scripts/images.mjs: same arguments and output shape, and really makes the image.
    await writeFile(
      script,
      `import { appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
appendFileSync(${JSON.stringify(path.join(dir, 'runs'))}, process.argv[2] + '\\n');
console.log('[' + process.argv[2] + '] Step 1/2 : FROM base');
await new Promise((resolve) => setTimeout(resolve, 300));
execFileSync('docker', ['tag', ${JSON.stringify(testImage)}, ${JSON.stringify(tag)}]);
console.log('[' + process.argv[2] + '] Step 2/2 : tagged');
console.log('{"images":{}}');
`,
    );
  });

  afterAll(async () => {
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
    await runtime.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the build script once for concurrent starts and reports its lines to each', async () => {
    const images = new StackImages({ runtime, buildScript: script, tagFor: () => tag });
    const first: string[] = [];
    const second: string[] = [];
    const [a, b] = await Promise.all([
      images.ensure('python', (line) => first.push(line)),
      images.ensure('python', (line) => second.push(line)),
    ]);
    expect(a).toBe(b);
    expect(a).toBe((await docker.getImage(tag).inspect()).Id);
    expect(first).toEqual(['[python] Step 1/2 : FROM base', '[python] Step 2/2 : tagged']);
    expect(second).toEqual(first);
    expect(await readFile(path.join(dir, 'runs'), 'utf8')).toBe('python\n');

    // Present now: no build.
    await images.ensure('python', () => undefined);
    expect(await readFile(path.join(dir, 'runs'), 'utf8')).toBe('python\n');
  });

  it('says what to run when it cannot build, and reports a failing build with its last lines', async () => {
    const missing = `vaporform-test/missing-${randomUUID().slice(0, 8)}:latest`;
    const without = new StackImages({ runtime, buildScript: null, tagFor: () => missing });
    await expect(without.ensure('go', () => undefined)).rejects.toThrow(/missing: run npm run images/);

    const failing = path.join(dir, 'fail.mjs');
    await writeFile(failing, "console.error('debootstrap: mirror unreachable'); process.exit(4);\n");
    const broken = new StackImages({ runtime, buildScript: failing, tagFor: () => missing });
    await expect(broken.ensure('go', () => undefined)).rejects.toThrow(
      /Building the go image failed \(exit 4\): debootstrap: mirror unreachable/,
    );
  });
});
