import type { ContainerPhase, TemplateSummary } from '@vaporform/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/ApiError';
import { defaultTemplate } from './NewProjectPage';
import { advance, initialProgress, outcome, progressSteps, type Progress } from './progressModel';
import { projectFieldErrors } from './projectFieldErrors';
import { validateSlug } from './slug';

function through(...phases: ContainerPhase[]): Progress {
  return phases.reduce(
    (progress, status) => advance(progress, { status, message: `${status}…` }),
    initialProgress,
  );
}
const states = (progress: Progress) => progressSteps(progress).map((step) => step.state);

describe('progress model', () => {
  it('starts with every step pending', () => {
    expect(states(initialProgress)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(states(through('stopped'))).toEqual(['pending', 'pending', 'pending', 'pending']);
  });

  it('follows creating → installing → starting → running', () => {
    expect(states(through('creating'))).toEqual(['active', 'pending', 'pending', 'pending']);
    expect(states(through('creating', 'installing'))).toEqual(['done', 'active', 'pending', 'pending']);
    expect(states(through('creating', 'installing', 'starting'))).toEqual([
      'done',
      'done',
      'active',
      'pending',
    ]);
    expect(states(through('creating', 'installing', 'starting', 'running'))).toEqual([
      'done',
      'done',
      'done',
      'done',
    ]);
  });

  it('marks steps no report named as done once a later phase is reached (missed between polls)', () => {
    expect(states(through('starting'))).toEqual(['done', 'done', 'active', 'pending']);
    expect(states(through('running'))).toEqual(['done', 'done', 'done', 'done']);
  });

  it('fails the furthest step reached on a crash, and follows an automatic restart', () => {
    const crashed = through('creating', 'installing', 'crashed');
    expect(states(crashed)).toEqual(['done', 'failed', 'pending', 'pending']);
    expect(outcome(crashed, false)).toBe('crashed');
    expect(states(through('creating', 'crashed'))).toEqual(['failed', 'pending', 'pending', 'pending']);
    expect(states(through('crashed'))).toEqual(['failed', 'pending', 'pending', 'pending']);
    const restarted = advance(through('creating', 'starting', 'crashed'), {
      status: 'starting',
      message: null,
    });
    expect(states(restarted)).toEqual(['done', 'done', 'active', 'pending']);
  });

  it('keeps the server message of the latest phase and returns the same object for a repeat', () => {
    const progress = advance(initialProgress, { status: 'installing', message: 'npm install' });
    expect(progress.message).toBe('npm install');
    expect(advance(progress, { status: 'installing', message: 'npm install' })).toBe(progress);
    expect(advance(progress, { status: 'installing', message: 'added 120 packages' }).message).toBe(
      'added 120 packages',
    );
  });

  it('decides what the wizard does next', () => {
    expect(outcome(initialProgress, false)).toBe('wait');
    expect(outcome(through('creating'), false)).toBe('wait');
    expect(outcome(through('creating', 'running'), false)).toBe('ready');
    expect(outcome(initialProgress, true)).toBe('no-runtime');
    expect(outcome(through('stopped'), false)).toBe('no-runtime');
    // Stopped after it had begun (someone pressed stop) is not "no runtime".
    expect(outcome(through('creating', 'stopped'), false)).toBe('wait');
  });
});

describe('slug helpers', () => {
  it.each([
    ['', null],
    ['my-app', null],
    ['a', null],
    ['app2', null],
  ])('accepts %j', (slug, expected) => {
    expect(validateSlug(slug)).toBe(expected);
  });

  it('explains what is wrong', () => {
    expect(validateSlug('My-App')).toBe('The slug must be lower-case');
    expect(validateSlug('-app')).toMatch(/^The slug must be 1–40 lower-case letters/);
    expect(validateSlug('app-')).toMatch(/^The slug must be/);
    expect(validateSlug('my_app')).toMatch(/^The slug must be/);
    expect(validateSlug('a'.repeat(41))).toMatch(/^The slug must be/);
    expect(validateSlug('admin')).toBe('The slug is reserved; choose another');
    expect(validateSlug('preview')).toBe('The slug is reserved; choose another');
  });
});

describe('projectFieldErrors', () => {
  it("puts the server's issues and a taken slug beside their fields", () => {
    const invalid = new ApiError('validation_failed', 'Invalid request', 400, [
      { path: 'body.name', message: 'must not be empty' },
    ]);
    expect(projectFieldErrors(invalid)).toEqual({ name: 'must not be empty' });
    const taken = new ApiError('conflict', "The slug 'shop' is taken; choose another", 409);
    expect(projectFieldErrors(taken)).toEqual({ slug: "The slug 'shop' is taken; choose another" });
    expect(projectFieldErrors(new ApiError('conflict', 'Something else', 409))).toEqual({});
  });
});

describe('defaultTemplate', () => {
  const template = (id: string, needsNetwork: boolean): TemplateSummary => ({
    id,
    name: id,
    description: 'x',
    language: 'go',
    framework: 'x',
    stack: 'go',
    port: 8080,
    needsNetwork,
  });
  it('prefers a template that installs offline', () => {
    expect(defaultTemplate([template('go-gin', true), template('go-http', false)])).toBe('go-http');
    expect(defaultTemplate([template('go-gin', true)])).toBe('go-gin');
    expect(defaultTemplate([])).toBeNull();
  });
});
