-- Rectification tasks (整改任务, the closed loop): issued from a warning, from a hazard or by hand
-- to a town, village or grid and a responsible team, with a due date; their workflow
-- (server/tasks/states.ts) kept step by step in task_events.
CREATE TABLE tasks (
  id             bigserial PRIMARY KEY,
  -- An optional external reference (任务编号), unique: the demo seed and other systems key on it.
  ref            text UNIQUE,
  title          text NOT NULL,
  description    text,
  source         text NOT NULL CHECK (source IN ('warning', 'hazard', 'manual')),
  -- No foreign key yet: the warnings table arrives in migration 015, which adds it.
  warning_id     bigint,
  hazard_id      bigint REFERENCES hazards (id),
  -- Assigned to a town, village or grid; its ancestors' codes are kept so an area filter at any
  -- level is an equality (and a map layer can colour areas without a join).
  area_code      text NOT NULL REFERENCES admin_areas (code),
  area_level     text NOT NULL CHECK (area_level IN ('town', 'village', 'grid')),
  town_code      text,
  village_code   text,
  grid_code      text,
  assignee_team  text NOT NULL,
  -- The last day (Asia/Shanghai) to close it; overdue from the day after, until closed.
  due_date       date NOT NULL,
  status         text NOT NULL DEFAULT 'issued'
                 CHECK (status IN ('issued', 'accepted', 'in_progress', 'submitted', 'closed', 'returned')),
  -- Where the task is on the map: its hazard's point, a given point (a warning's), else the
  -- area's label point.
  geom           geometry(Point, 4326) NOT NULL,
  -- Which: a task placed by its area follows the area when it is reassigned; the others stay.
  located_by     text NOT NULL CHECK (located_by IN ('hazard', 'given', 'area')),
  h3_r7          bigint,
  h3_r8          bigint,
  h3_r9          bigint,
  h3_r10         bigint,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  -- Same sequence as incidents and hazards (see 013), set by the trigger below.
  change_seq     bigint NOT NULL,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CHECK (source <> 'warning' OR warning_id IS NOT NULL),
  CHECK (source <> 'hazard' OR hazard_id IS NOT NULL)
);
CREATE INDEX tasks_status_due_idx ON tasks (status, due_date);
CREATE INDEX tasks_warning_idx ON tasks (warning_id);
CREATE INDEX tasks_hazard_idx ON tasks (hazard_id);
CREATE INDEX tasks_area_idx ON tasks (area_code);
CREATE INDEX tasks_town_idx ON tasks (town_code);
CREATE INDEX tasks_village_idx ON tasks (village_code);
CREATE INDEX tasks_grid_idx ON tasks (grid_code);
CREATE INDEX tasks_team_idx ON tasks (assignee_team);
CREATE INDEX tasks_geom_gist ON tasks USING gist (geom);
CREATE UNIQUE INDEX tasks_change_seq_idx ON tasks (change_seq);

CREATE TRIGGER tasks_change_seq BEFORE INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION incident_next_change();

-- Every step of a task: created, each transition (who, when, from, to, comment), each edit of
-- its assignment or due date (changed fields, old and new).
CREATE TABLE task_events (
  id          bigserial PRIMARY KEY,
  task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL CHECK (action IN ('created', 'transition', 'edited')),
  from_status text,
  to_status   text,
  comment     text,
  changes     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX task_events_task_idx ON task_events (task_id, at, id);
