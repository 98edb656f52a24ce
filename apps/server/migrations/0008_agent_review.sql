-- Review mode: a turn's proposed files (path, status, content before and after) until each is accepted or
-- rejected. Null for turns that wrote as they went.
alter table agent_turns add column review jsonb;

-- MCP tools a project's members allowed (or refused) for the agent: asked once per tool per project, and
-- again when `.mcp.json` points the server's name at something else (another fingerprint).
create table mcp_tool_approvals (
  project_id uuid not null references projects (id) on delete cascade,
  tool text not null,
  fingerprint text not null,
  approved boolean not null,
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz not null default now(),
  primary key (project_id, tool, fingerprint)
);
