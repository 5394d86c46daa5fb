-- A workshop's parts bin: spare parts harvested from dismantled devices or added by hand;
-- a repair that takes a part from the bin takes one off its row.
CREATE TABLE parts (
    id uuid PRIMARY KEY,
    workshop_id uuid NOT NULL REFERENCES workshops (id),
    name text NOT NULL,
    kind text NOT NULL,
    condition text NOT NULL CHECK (condition IN ('working', 'untested')),
    quantity integer NOT NULL CHECK (quantity >= 0),
    from_work_order_id uuid REFERENCES work_orders (id),
    added_by text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parts_in_stock ON parts (workshop_id, lower(name)) WHERE quantity > 0;
