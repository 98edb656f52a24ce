-- Projects and their members (owned by services/projects). Permission levels are ordered:
-- read < write < execute < admin; the owner always holds admin.
create table projects (
  id uuid primary key,
  slug text not null unique,
  name text not null,
  description text not null default '',
  template_id text not null,
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  owner_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table project_members (
  project_id uuid not null references projects (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  permission text not null check (permission in ('read', 'write', 'execute', 'admin')),
  created_at timestamptz not null default now(),
  primary key (project_id, user_id)
);
create index project_members_user_id_idx on project_members (user_id);
