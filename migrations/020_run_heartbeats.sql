-- Long jobs (file imports, reconciliation runs, exports) mark their row alive while they work
-- (heartbeat_at, every 20 s; server/ops/heartbeat.ts). A row left 'running' by a process that
-- died (killed, out of memory, power cut) is then told from a slow one, and closed as failed the
-- next time anyone reads the runs, instead of showing 'running' forever. Several servers may
-- share a database: none fails another's live run, since only a missing heartbeat counts.
ALTER TABLE import_runs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE reconcile_runs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE exports ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
