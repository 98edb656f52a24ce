import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../platform/ApiError';
import { fieldErrorsFrom, fieldErrorsFromZod, onlyFieldProblems } from './fieldErrors';

const validation = new ApiError('validation_failed', 'Invalid request', 400, [
  { path: 'body.email', message: 'must be an email address' },
  { path: 'body.password', message: 'must be at least 10 characters' },
  { path: 'body.password', message: 'second problem' },
]);

describe('field errors', () => {
  it('maps the server issues to fields, first message per field', () => {
    expect(fieldErrorsFrom(validation)).toEqual({
      email: 'must be an email address',
      password: 'must be at least 10 characters',
    });
  });

  it('ignores errors without issues and non-API errors', () => {
    expect(fieldErrorsFrom(new ApiError('unauthenticated', 'no', 401))).toEqual({});
    expect(fieldErrorsFrom(new Error('x'))).toEqual({});
    expect(fieldErrorsFrom(undefined)).toEqual({});
  });

  it('knows when every problem already shows beside a field', () => {
    expect(onlyFieldProblems(validation, ['email', 'password'])).toBe(true);
    expect(onlyFieldProblems(validation, ['email'])).toBe(false);
    expect(onlyFieldProblems(new ApiError('conflict', 'taken', 409), ['email'])).toBe(false);
  });

  it('reads a local zod check the same way', () => {
    const result = z.object({ name: z.string().min(1, 'required') }).safeParse({ name: '' });
    expect(result.success).toBe(false);
    if (!result.success) expect(fieldErrorsFromZod(result.error)).toEqual({ name: 'required' });
  });
});
