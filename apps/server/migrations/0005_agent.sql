-- The AI agent's conversations (services/agent) and the audit trail every service writes to.

create table agent_threads (
  id uuid primary key,
  project_id uuid not null references projects (id) on delete cascade,
  title text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index agent_threads_project_idx on agent_threads (project_id, updated_at desc);

-- One row per turn: the user's message, what the agent said and did, and the model messages it added to the
-- thread (`transcript`), which the next turn sends back. Rewinding a turn deletes it and every later one.
create table agent_turns (
  id uuid primary key,
  thread_id uuid not null references agent_threads (id) on delete cascade,
  project_id uuid not null references projects (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  seq integer not null,
  status text not null check (status in ('running', 'done', 'failed', 'cancelled')),
  message text not null,
  text text not null default '',
  tool_calls jsonb not null default '[]',
  changed_files jsonb not null default '[]',
  usage jsonb not null,
  transcript jsonb not null default '[]',
  checkpoint_id text,
  error text,
  model text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (thread_id, seq)
);
create index agent_turns_user_idx on agent_turns (user_id, created_at);

-- Who did what, kept when the project or the user is gone (no foreign keys on purpose).
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  project_id uuid,
  action text not null,
  detail jsonb not null default '{}'
);
create index audit_log_project_idx on audit_log (project_id, at desc);
create index audit_log_at_idx on audit_log (at desc);
