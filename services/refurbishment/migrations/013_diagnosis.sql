-- A device's diagnosis at the bench, before it is graded: specs, functional tests, cosmetic
-- notes (one per work order; diagnosing again replaces it).
CREATE TABLE diagnoses (
    work_order_id uuid PRIMARY KEY REFERENCES work_orders (id),
    body jsonb NOT NULL,
    diagnosed_by text NOT NULL,
    diagnosed_at timestamptz NOT NULL DEFAULT now()
);
