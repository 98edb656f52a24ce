import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './common.js';
import { UserRoleSchema } from './permissions.js';

/** Lower-cased and trimmed so that `Ann@Example.com ` and `ann@example.com` are one account. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }).max(254));

/** NIST 800-63B: length over composition rules; the upper bound keeps hashing cheap to reject. */
export const PasswordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

export const UserSchema = z.object({
  id: IdSchema,
  email: z.string(),
  name: z.string(),
  role: UserRoleSchema,
  createdAt: IsoDateSchema,
});
export type User = z.infer<typeof UserSchema>;

export const SignupBodySchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
  name: z.string().trim().min(1).max(100),
  inviteToken: z.string().min(1).max(200).optional(),
});
export type SignupBody = z.infer<typeof SignupBodySchema>;

export const LoginBodySchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const UserResponseSchema = z.object({ user: UserSchema });
/** `GET /api/auth/session`: who is signed in, null when nobody (200 either way, unlike `/api/auth/me`). */
export const SessionStateSchema = z.object({ user: UserSchema.nullable() });

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});

export const SessionSchema = z.object({
  id: IdSchema,
  createdAt: IsoDateSchema,
  lastSeenAt: IsoDateSchema,
  expiresAt: IsoDateSchema,
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;
export const SessionListSchema = z.array(SessionSchema);

export const CreateTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Days until the token stops working; absent means it lasts until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const ApiTokenSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** The first characters, so a person can tell tokens apart without the secret. */
  prefix: z.string(),
  createdAt: IsoDateSchema,
  lastUsedAt: IsoDateSchema.nullable(),
  expiresAt: IsoDateSchema.nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const CreatedTokenSchema = z.object({ token: z.string(), apiToken: ApiTokenSchema });
export const TokenListSchema = z.array(ApiTokenSchema);

export const SignupModeSchema = z.enum(['open', 'invite', 'closed']);
export type SignupMode = z.infer<typeof SignupModeSchema>;
export const AuthSettingsSchema = z.object({ signupMode: SignupModeSchema });
export const UpdateAuthSettingsBodySchema = z.strictObject({ signupMode: SignupModeSchema });

export const CreateInviteBodySchema = z.strictObject({
  email: EmailSchema,
  expiresInDays: z.number().int().min(1).max(90).default(7),
});
export const InviteSchema = z.object({
  id: IdSchema,
  email: z.string(),
  expiresAt: IsoDateSchema,
  token: z.string(),
});
