import type { ProjectPermission } from '@vaporform/contracts';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/AppError.js';
import type { Principal } from './policy.js';

/** The authenticated caller; only for routes whose policy guarantees one. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw AppError.unauthenticated();
  return request.principal;
}

/** The caller's permission on the route's project; only for routes with a project policy. */
export function permissionOf(request: FastifyRequest): ProjectPermission {
  if (!request.projectPermission) throw AppError.forbidden();
  return request.projectPermission;
}
