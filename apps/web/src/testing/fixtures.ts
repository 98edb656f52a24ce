// Test data with every field filled in, so that a test overrides only what it is about.
import type { ContainerInfo, Project, TemplateSummary, User } from '@vaporform/contracts';

const at = '2025-01-01T00:00:00.000Z';

export const makeUser = (overrides: Partial<User> = {}): User => ({
  id: '00000000-0000-4000-8000-000000000001',
  email: 'me@example.com',
  name: 'Mia Me',
  role: 'user',
  createdAt: at,
  ...overrides,
});

export const makeProject = (overrides: Partial<Project> = {}): Project => ({
  id: '00000000-0000-4000-8000-000000000042',
  slug: 'demo',
  name: 'Demo',
  description: '',
  templateId: 'node-express',
  visibility: 'private',
  ownerId: '00000000-0000-4000-8000-000000000001',
  permission: 'admin',
  createdAt: at,
  updatedAt: at,
  lastOpenedAt: null,
  ...overrides,
});

export const makeTemplate = (overrides: Partial<TemplateSummary> = {}): TemplateSummary => ({
  id: 'node-express',
  name: 'Node + Express',
  description: 'Express app',
  language: 'typescript',
  framework: 'Express',
  stack: 'node',
  port: 3000,
  needsNetwork: false,
  ...overrides,
});

export const makeContainer = (
  projectId: string,
  status: ContainerInfo['status'],
  overrides: Partial<ContainerInfo> = {},
): ContainerInfo => ({
  projectId,
  status,
  message: null,
  runtime: 'docker',
  environment: 'template',
  image: null,
  appPort: 3000,
  address: null,
  startedAt: null,
  readyAt: null,
  stopReason: null,
  exitCode: null,
  restarts: 0,
  lastLogLines: [],
  resources: { memoryBytes: 0, cpus: 0 },
  ...overrides,
});
