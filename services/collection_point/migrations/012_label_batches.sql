-- Labels are printed in batches for a collection point before devices arrive.
CREATE TABLE label_batches (
    id uuid PRIMARY KEY,
    collection_point_id uuid NOT NULL REFERENCES collection_points (id),
    label_count integer NOT NULL CHECK (label_count > 0),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE labels (
    code text PRIMARY KEY,
    batch_id uuid NOT NULL REFERENCES label_batches (id),
    voided_at timestamptz,
    void_reason text
);
CREATE INDEX labels_by_batch ON labels (batch_id, code);
