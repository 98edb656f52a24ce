import {
  SessionStateSchema,
  AuthSettingsSchema,
  ChangePasswordBodySchema,
  CreatedTokenSchema,
  CreateInviteBodySchema,
  CreateTokenBodySchema,
  InviteSchema,
  LoginBodySchema,
  SessionListSchema,
  SignupBodySchema,
  TokenListSchema,
  UpdateAuthSettingsBodySchema,
  UserResponseSchema,
} from '@vaporform/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionCookieName, typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { AuthService, IssuedSession } from './service.js';

export interface AuthRoutesOptions {
  service: AuthService;
  /** Cookies get `Secure` when the IDE is served over https. */
  secureCookies: boolean;
}

const noContent = { 204: z.null().describe('No content') };

export function registerAuthRoutes(app: HttpApp, { service, secureCookies }: AuthRoutesOptions): void {
  const api = typed(app);
  const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
  const setSessionCookie = (reply: FastifyReply, session: IssuedSession) =>
    reply.setCookie(sessionCookieName, session.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
      expires: session.expiresAt,
    });
  const clearSessionCookie = (reply: FastifyReply) =>
    reply.clearCookie(sessionCookieName, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
    });

  api.post(
    '/api/auth/signup',
    {
      config: { policy: { access: 'public' } },
      schema: { tags: ['auth'], body: SignupBodySchema, response: { 201: UserResponseSchema } },
    },
    async (request, reply) => {
      const session = await service.signup(request.body, client(request));
      setSessionCookie(reply, session);
      return reply.code(201).send({ user: session.user });
    },
  );

  api.post(
    '/api/auth/login',
    {
      config: { policy: { access: 'public' } },
      schema: { tags: ['auth'], body: LoginBodySchema, response: { 200: UserResponseSchema } },
    },
    async (request, reply) => {
      const session = await service.login(request.body, client(request));
      setSessionCookie(reply, session);
      return { user: session.user };
    },
  );

  // Public so that a browser holding a dead cookie can still clear it.
  api.post(
    '/api/auth/logout',
    { config: { policy: { access: 'public' } }, schema: { tags: ['auth'], response: noContent } },
    async (request, reply) => {
      if (request.principal) await service.logout(request.principal);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/auth/me',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], response: { 200: UserResponseSchema } },
    },
    async (request) => ({ user: await service.me(callerOf(request)) }),
  );

  // The IDE asks this on every page load; a signed-out visitor is a normal answer there, not a 401 that
  // browsers print as a console error.
  api.get(
    '/api/auth/session',
    {
      config: { policy: { access: 'public' } },
      schema: { tags: ['auth'], response: { 200: SessionStateSchema } },
    },
    async (request) => ({ user: request.principal ? await service.me(request.principal) : null }),
  );

  api.post(
    '/api/auth/password',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], body: ChangePasswordBodySchema, response: noContent },
    },
    async (request, reply) => {
      await service.changePassword(callerOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/auth/sessions',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], response: { 200: SessionListSchema } },
    },
    async (request) => service.listSessions(callerOf(request)),
  );

  api.delete(
    '/api/auth/sessions/:sessionId',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], params: z.strictObject({ sessionId: z.uuid() }), response: noContent },
    },
    async (request, reply) => {
      await service.revokeSession(callerOf(request), request.params.sessionId);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/auth/tokens',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], body: CreateTokenBodySchema, response: { 201: CreatedTokenSchema } },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createApiToken(callerOf(request), request.body)),
  );

  api.get(
    '/api/auth/tokens',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], response: { 200: TokenListSchema } },
    },
    async (request) => service.listApiTokens(callerOf(request)),
  );

  api.delete(
    '/api/auth/tokens/:tokenId',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags: ['auth'], params: z.strictObject({ tokenId: z.uuid() }), response: noContent },
    },
    async (request, reply) => {
      await service.revokeApiToken(callerOf(request), request.params.tokenId);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/admin/settings',
    {
      config: { policy: { access: 'admin' } },
      schema: { tags: ['admin'], response: { 200: AuthSettingsSchema } },
    },
    async () => ({ signupMode: await service.signupMode() }),
  );

  api.put(
    '/api/admin/settings',
    {
      config: { policy: { access: 'admin' } },
      schema: { tags: ['admin'], body: UpdateAuthSettingsBodySchema, response: { 200: AuthSettingsSchema } },
    },
    async (request) => {
      await service.setSignupMode(request.body.signupMode);
      return { signupMode: request.body.signupMode };
    },
  );

  api.post(
    '/api/admin/invites',
    {
      config: { policy: { access: 'admin' } },
      schema: { tags: ['admin'], body: CreateInviteBodySchema, response: { 201: InviteSchema } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.createInvite(callerOf(request), request.body.email, request.body.expiresInDays)),
  );
}
