-- What the IDE remembers per user. user_preferences is owned by services/auth, project_visits by
-- services/projects; both go with the user (and the visits with the project) when either is deleted.
create table user_preferences (
  user_id uuid primary key references users (id) on delete cascade,
  preferences jsonb not null,
  updated_at timestamptz not null default now()
);

-- One row per (project, user): only the latest visit matters (the project list's "recently opened" order).
create table project_visits (
  project_id uuid not null references projects (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  opened_at timestamptz not null default now(),
  primary key (project_id, user_id)
);
-- Deleting a user cascades here by user_id (the primary key starts with project_id).
create index project_visits_user_id_idx on project_visits (user_id);
