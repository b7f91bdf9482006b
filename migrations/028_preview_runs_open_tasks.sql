-- Warnings stay honest (issue 21).
--
-- 1. A model run is either live (it raises, re-triggers and expires warnings) or a preview (a
--    what-if or backtest run for a past date: its findings are stored with the run, and it
--    touches no warning). The service decides when the run is queued (server/models/mode.ts);
--    runs recorded before this migration all acted on the warnings, so they are 'live'.
ALTER TABLE model_runs ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'preview'));
-- The scheduler's memory and a model's card read the latest live run.
CREATE INDEX model_runs_live_idx ON model_runs (model_id, id DESC) WHERE mode = 'live';

-- 2. A warning cannot be resolved while a task it raised is still open (unless the resolution
--    says why). Whoever may resolve the warning must see every such task, also one in an area
--    outside their scope (a task's area can differ from its warning's): this runs as its owner,
--    past row-level security, and answers only the ids and statuses of the warning's open tasks.
CREATE FUNCTION warning_open_tasks(p_warning_id bigint) RETURNS TABLE (id bigint, status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.status FROM tasks t WHERE t.warning_id = p_warning_id AND t.status <> 'closed' ORDER BY t.id
$$;
