-- Who sees what (issue 24): a task is assigned to a team (assignee_team, as before) and may also
-- name a person; a user belongs to a team by name; every assignment is logged for the live stream.

-- 1. A user's team (班组, e.g. 北干街道平安办 or 区指挥中心值班组): the name tasks give as
--    assignee_team, so "my team's tasks" is an equality. One team per user; NULL: none.
ALTER TABLE users ADD COLUMN team text CHECK (team IS NULL OR length(team) BETWEEN 1 AND 200);

-- 2. The person a task is assigned to, if any. A town officer or grid worker named here must be
--    able to see the task (server/tasks/store.ts checks it against the areas of 019's policy).
ALTER TABLE tasks ADD COLUMN assignee_user_id bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX tasks_assignee_user_idx ON tasks (assignee_user_id) WHERE assignee_user_id IS NOT NULL;

-- 3. The assignment log: one row each time a task is given to a team or person (created, or
--    reassigned), numbered and stamped as changes of tasks are (014, 027), so the live stream
--    sends each as `event: task.assigned` exactly once, however the task changes afterwards.
CREATE TABLE task_assignments (
  id               bigserial PRIMARY KEY,
  task_id          bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  assignee_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  assignee_team    text NOT NULL,
  actor            text NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  change_seq       bigint NOT NULL,
  change_xid       xid8 NOT NULL
);
CREATE INDEX task_assignments_task_idx ON task_assignments (task_id, id);
CREATE UNIQUE INDEX task_assignments_change_seq_idx ON task_assignments (change_seq);
CREATE INDEX task_assignments_change_xid_idx ON task_assignments (change_xid, change_seq);
CREATE TRIGGER task_assignments_change_seq BEFORE INSERT ON task_assignments
  FOR EACH ROW EXECUTE FUNCTION incident_next_change();

-- Seen by whoever may see the task (the subquery is itself under the tasks policy).
ALTER TABLE task_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY task_assignments_scope ON task_assignments
  USING (EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_assignments.task_id));

-- 4. What the tasks domain may know of accounts inside a scoped transaction, which cannot read
--    users (019): a name to show, and who can be given a task where. Nothing else of the account.

-- A user's name as tasks show it: the display name, else the username.
CREATE FUNCTION app_user_name(p_id bigint) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(nullif(display_name, ''), username) FROM users WHERE id = p_id
$$;

-- One account as a possible assignee: name, role, areas, team, whether disabled.
CREATE FUNCTION app_user_card(p_id bigint)
  RETURNS TABLE (id bigint, name text, role text, area_codes json, team text, disabled boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, coalesce(nullif(u.display_name, ''), u.username), u.role, to_json(u.area_codes), u.team, u.disabled
  FROM users u WHERE u.id = p_id
$$;

-- The active accounts of the given roles that could be given a task in an area with these codes
-- (its town, village and grid): district-wide accounts, and scoped ones whose areas include one.
CREATE FUNCTION app_assignable_users(p_area_codes text[], p_roles text[])
  RETURNS TABLE (id bigint, name text, role text, area_codes json, team text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, coalesce(nullif(u.display_name, ''), u.username), u.role, to_json(u.area_codes), u.team
  FROM users u
  WHERE NOT u.disabled AND u.role = ANY (p_roles) AND (cardinality(u.area_codes) = 0 OR u.area_codes && p_area_codes)
  ORDER BY 2, u.id
$$;
