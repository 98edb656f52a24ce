import type { ProjectPermission, UserRole } from '@vaporform/contracts';

/**
 * Who may call a route. Every HTTP route and WebSocket endpoint declares one in `config.policy`; the
 * server refuses to start when one is missing (see routeGuard.ts), and one hook enforces them all.
 */
export type RoutePolicy =
  | { access: 'public' }
  | { access: 'authenticated' }
  | { access: 'admin' }
  | {
      access: 'project';
      permission: ProjectPermission;
      /** The route parameter naming the project; `id` unless said. */
      param?: string;
      /** Whether that parameter holds the id (default) or the slug (`<slug>` or `<slug>.git`). */
      by?: 'id' | 'slug';
    };

export interface Principal {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
  via: 'session' | 'token';
  /** The session or API token id, so a user can see and revoke the credential in use. */
  credentialId: string;
}

export interface Credentials {
  sessionToken: string | undefined;
  bearerToken: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

export type AuthenticationResult =
  | { kind: 'anonymous' }
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'rejected'; reason: string };

/** Implemented by the auth service; the HTTP kit only knows this shape. */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthenticationResult>;
}

/** Implemented by the projects service: the permission a principal holds on a project, if any. */
export interface ProjectAuthorizer {
  permissionOf(principal: Principal, projectId: string): Promise<ProjectPermission | null>;
  idForSlug(slug: string): Promise<string | null>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set on project routes: the caller's permission on the project named by the route. */
    projectPermission: ProjectPermission | null;
    /** Set on project routes: the project's id, also when the route names it by slug. */
    projectId: string | null;
  }
}
