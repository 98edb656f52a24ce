/** Every cached server answer's key, in one place so that invalidation cannot miss a spelling. */
export const queryKeys = {
  me: ['me'] as const,
  preferences: ['preferences'] as const,
  sessions: ['sessions'] as const,
  tokens: ['tokens'] as const,
  templates: ['templates'] as const,
  agentStatus: ['agent-status'] as const,
  projects: ['projects'] as const,
  project: (id: string) => ['projects', id] as const,
  members: (id: string) => ['projects', id, 'members'] as const,
  tree: (id: string) => ['projects', id, 'tree'] as const,
  file: (id: string, path: string) => ['projects', id, 'file', path] as const,
  container: (id: string) => ['projects', id, 'container'] as const,
  containerStats: (id: string) => ['projects', id, 'container', 'stats'] as const,
  checkpoints: (id: string) => ['projects', id, 'checkpoints'] as const,
  terminals: (id: string) => ['projects', id, 'terminals'] as const,
};
