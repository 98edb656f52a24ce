-- Project and user secrets (owned by services/secrets). Values are write-only and stored sealed: each row holds
-- its value under a data key of its own (`ciphertext`) and that data key wrapped by a key-encryption key
-- (`wrapped_key`, named by `key_id`). The keys live outside the database (VAPORFORM_SECRET_KEYS or the key
-- file), so a copy of these tables alone opens nothing.

create table project_secrets (
  id uuid primary key,
  project_id uuid not null references projects (id) on delete cascade,
  name text not null,
  -- Null: every environment.
  environment text,
  -- Part of the ciphertext's associated data together with project, name and environment.
  version integer not null check (version >= 1),
  ciphertext bytea not null,
  wrapped_key bytea not null,
  key_id text not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  unique (project_id, name)
);
-- Rotation looks for the rows not yet under the current key.
create index project_secrets_key_idx on project_secrets (key_id);

create table user_secrets (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  version integer not null check (version >= 1),
  ciphertext bytea not null,
  wrapped_key bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, name)
);
create index user_secrets_key_idx on user_secrets (key_id);
