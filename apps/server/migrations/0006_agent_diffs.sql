-- The unified diff of each file a turn changed, so a reloaded chat shows what the turn did, not only where.
alter table agent_turns add column file_diffs jsonb not null default '[]';
