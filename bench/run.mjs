#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.ts one after the other, each in its own `node --import tsx` process.
//
//   npm run bench                  every benchmark
//   npm run bench -- http          only those whose file name contains "http" (several filters: any matches)
//
// A benchmark that fails, or runs past its time limit, is stopped and reported; the others still run, and the
// exit code is 1 if any failed. Benchmarks never fail on their numbers: they print ratios against a baseline.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = path.dirname(benchDir);
const tsx = import.meta.resolve('tsx');
/** Each benchmark bounds itself; this is the backstop if one does not. */
const limitMs = 10 * 60 * 1000;

const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const all = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort();
const selected =
  filters.length === 0 ? all : all.filter((name) => filters.some((filter) => name.includes(filter)));
if (selected.length === 0) {
  console.error(
    `No benchmark matches ${filters.map((f) => JSON.stringify(f)).join(', ')}. Available: ${all.join(', ')}`,
  );
  process.exit(1);
}

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The benchmark kills its own children when it gets the signal.
    current?.kill(signal);
    process.exitCode = 130;
    setTimeout(() => process.exit(130), 5000).unref();
  });
}

function runOne(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', tsx, path.join(benchDir, name)], {
      cwd: root,
      stdio: 'inherit',
    });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${name}: no result after ${limitMs / 1000} s, stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, limitMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ name, ok: false, detail: error.message, seconds: (Date.now() - started) / 1000 });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const ok = code === 0 && !timedOut;
      const detail = timedOut ? 'timed out' : signal ? `killed by ${signal}` : `exit ${code}`;
      resolve({ name, ok, detail, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const outcomes = [];
for (const name of selected) {
  console.log(`\n=== ${name} ===`);
  outcomes.push(await runOne(name));
  if (process.exitCode === 130) break;
}

console.log('\n=== benchmarks ===');
for (const outcome of outcomes) {
  console.log(
    `  ${outcome.ok ? 'done  ' : 'FAILED'}  ${outcome.name}  (${outcome.detail}, ${outcome.seconds.toFixed(0)} s)`,
  );
}
console.log('  results: bench/results/*.json');
if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = process.exitCode || 1;
