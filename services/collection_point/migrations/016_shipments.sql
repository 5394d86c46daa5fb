-- Workshops learnt from refurbishment's announcements, and shipments of devices to them.
CREATE TABLE workshops (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    commune text NOT NULL DEFAULT '',
    announced_at timestamptz NOT NULL  -- when the newest announcement kept here was made
);

CREATE TABLE shipments (
    id uuid PRIMARY KEY,
    collection_point_id uuid NOT NULL REFERENCES collection_points (id),
    workshop_id uuid NOT NULL REFERENCES workshops (id),
    workshop_name text NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dispatched', 'received')),
    opened_by text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz,
    received_at timestamptz
);
CREATE INDEX shipments_by_point ON shipments (collection_point_id, opened_at DESC);

-- Packed devices, then what the workshop reported: received, missing, or unexpected (a
-- device it found in the box that was not packed in it, known here or not).
CREATE TABLE shipment_devices (
    shipment_id uuid NOT NULL REFERENCES shipments (id),
    label text NOT NULL,
    device_id uuid,
    status text NOT NULL DEFAULT 'packed'
        CHECK (status IN ('packed', 'received', 'missing', 'unexpected')),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shipment_id, label)
);
-- A device travels in one shipment at a time: packed means in an open or dispatched one.
CREATE UNIQUE INDEX one_shipment_at_a_time ON shipment_devices (device_id) WHERE status = 'packed';
