-- Warning-model runs beat like the other long jobs (020_run_heartbeats.sql): the process that
-- queued a run marks it alive while it waits and while it runs. A server starting up used to fail
-- every queued or running run, which with several servers on one database (manual runs execute
-- on the server that took the request) failed another server's live run; now only a run whose
-- process stopped beating is closed.
ALTER TABLE model_runs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
