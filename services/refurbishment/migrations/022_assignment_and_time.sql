-- Who took a work order, and the minutes spent on its diagnosis and grading steps (the
-- repairs' minutes stay with each repair; the time spent is the sum of both).
ALTER TABLE work_orders ADD COLUMN assigned_to text;
ALTER TABLE work_orders ADD COLUMN assigned_at timestamptz;
ALTER TABLE work_orders ADD COLUMN step_minutes integer NOT NULL DEFAULT 0 CHECK (step_minutes >= 0);
