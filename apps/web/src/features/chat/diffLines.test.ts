import { describe, expect, it } from 'vitest';
import { classifyDiffLine, diffStats, parseDiff } from './diffLines';

const diff = [
  '===================================================================',
  '--- a/src/app.ts',
  '+++ b/src/app.ts',
  '@@ -1,4 +1,4 @@',
  ' import express from "express";',
  '--- a comment that was removed',
  '+++ a line that was added',
  '-const port = 3000;',
  '+const port = Number(process.env.PORT ?? 3000);',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('classifyDiffLine', () => {
  it.each([
    ['+added', 'add'],
    ['-removed', 'del'],
    [' context', 'context'],
    ['', 'context'],
    ['@@ -1,2 +1,3 @@ function x()', 'hunk'],
    ['--- a/file', 'header'],
    ['+++ b/file', 'header'],
    ['Index: file', 'header'],
    ['diff --git a/x b/x', 'header'],
    ['\\ No newline at end of file', 'note'],
  ])('%j is %s', (line, kind) => {
    expect(classifyDiffLine(line)).toBe(kind);
  });
});

describe('parseDiff', () => {
  it('drops the file headers and reads hunks by their counts', () => {
    const lines = parseDiff(diff);
    expect(lines.map((line) => line.kind)).toEqual(['hunk', 'context', 'del', 'add', 'del', 'add', 'note']);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 2 });
  });

  it('handles several files and hunks without counts', () => {
    const two = '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n--- a/y\n+++ b/y\n@@ -0,0 +1,2 @@\n+c\n+d\n';
    expect(parseDiff(two).map((line) => line.kind)).toEqual(['hunk', 'del', 'add', 'hunk', 'add', 'add']);
  });

  it('shows nothing for an empty diff', () => {
    expect(parseDiff('')).toEqual([]);
  });
});
