/** The chat's cached server answers, under the project's keys so that a project-wide invalidation covers them. */
export const chatKeys = {
  status: ['agent', 'status'] as const,
  all: (projectId: string) => ['projects', projectId, 'chat'] as const,
  threads: (projectId: string) => ['projects', projectId, 'chat', 'threads'] as const,
  /** `threadId` `new`: the unsent conversation, which holds only the optimistic first turn. */
  turns: (projectId: string, threadId: string) => ['projects', projectId, 'chat', 'turns', threadId] as const,
};

/** The key of a conversation that the server has not created yet. */
export const NEW_THREAD = 'new';
