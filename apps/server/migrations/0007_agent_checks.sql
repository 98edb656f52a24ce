-- The template checks (typecheck, lint, tests) a turn ran after its edits, so a reloaded chat shows them.
alter table agent_turns add column checks jsonb not null default '[]';
