import { TemplateListSchema } from '@vaporform/contracts';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import type { TemplateRegistry } from './templateRegistry.js';

export function registerTemplateRoutes(app: HttpApp, registry: TemplateRegistry): void {
  // Public: what a new project can start from is no secret, and the sign-up page may show it.
  typed(app).get(
    '/api/templates',
    {
      config: { policy: { access: 'public' } },
      schema: { tags: ['projects'], response: { 200: TemplateListSchema } },
    },
    async () => registry.list(),
  );
}
