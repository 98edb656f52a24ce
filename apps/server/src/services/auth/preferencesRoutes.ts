import { PreferencesSchema, PutPreferencesBodySchema } from '@vaporform/contracts';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import { callerOf } from '../../platform/http/requestContext.js';
import type { PreferencesService } from './preferencesService.js';

/** `GET`/`PUT /api/auth/preferences`: the caller's own IDE settings; nobody reads another user's. */
export function registerPreferencesRoutes(app: HttpApp, preferences: PreferencesService): void {
  const api = typed(app);
  const tags = ['auth'];

  api.get(
    '/api/auth/preferences',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, response: { 200: PreferencesSchema } },
    },
    async (request) => preferences.get(callerOf(request).userId),
  );

  api.put(
    '/api/auth/preferences',
    {
      config: { policy: { access: 'authenticated' } },
      schema: { tags, body: PutPreferencesBodySchema, response: { 200: PreferencesSchema } },
    },
    async (request) => preferences.put(callerOf(request).userId, request.body),
  );
}
