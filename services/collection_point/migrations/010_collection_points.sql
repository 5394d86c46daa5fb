-- Places where citizens drop devices, and the intakes (donations) received there.
CREATE TABLE collection_points (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL,
    address text NOT NULL DEFAULT '',
    postcode text NOT NULL DEFAULT '',
    commune text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intakes (
    id uuid PRIMARY KEY,
    device_id uuid NOT NULL UNIQUE,
    label text NOT NULL UNIQUE,
    device_type text NOT NULL,
    collection_point_id uuid NOT NULL REFERENCES collection_points (id),
    received_by text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intakes_by_point ON intakes (collection_point_id, received_at DESC);
