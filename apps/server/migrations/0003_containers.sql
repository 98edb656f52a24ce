-- Container runtime state that must survive a server restart (owned by services/containers).
-- install_key: what the last successful install ran against (dependency files, command, image); the
-- install runs again only when it changes.
create table container_installs (
  project_id uuid primary key references projects (id) on delete cascade,
  install_key text not null,
  installed_at timestamptz not null default now()
);

-- An admin's adjustments to the per-stack container sizes (defaults in resourcePlan.ts).
create table resource_plans (
  stack text primary key,
  memory_bytes bigint,
  cpus double precision,
  pids_limit integer,
  updated_at timestamptz not null default now()
);
