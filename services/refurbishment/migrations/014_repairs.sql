-- What was done to make a device work: actions, parts used, minutes spent (several per stay).
CREATE TABLE repairs (
    id uuid PRIMARY KEY,
    work_order_id uuid NOT NULL REFERENCES work_orders (id),
    body jsonb NOT NULL,
    minutes integer NOT NULL CHECK (minutes > 0),
    repaired_by text NOT NULL,
    repaired_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repairs_of_work_order ON repairs (work_order_id, repaired_at);
