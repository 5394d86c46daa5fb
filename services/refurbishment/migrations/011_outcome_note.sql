-- Why a device left the bench the way it did (published as repair open data, no personal data).
ALTER TABLE work_orders ADD COLUMN outcome_note text NOT NULL DEFAULT '';
CREATE INDEX work_orders_closed ON work_orders (closed_at) WHERE closed_at IS NOT NULL;
