-- Shipments collection points dispatched to a workshop, and their receipt device by device.
CREATE TABLE incoming_shipments (
    id uuid PRIMARY KEY,
    workshop_id uuid NOT NULL,
    collection_point_id uuid NOT NULL,
    collection_point_name text NOT NULL DEFAULT '',
    dispatched_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'expected' CHECK (status IN ('expected', 'received')),
    received_by text,
    received_at timestamptz
);
CREATE INDEX incoming_shipments_by_workshop ON incoming_shipments (workshop_id, dispatched_at DESC);

-- Expected devices (from the dispatch) and unexpected ones (scanned, not in the shipment).
CREATE TABLE incoming_shipment_devices (
    shipment_id uuid NOT NULL REFERENCES incoming_shipments (id),
    label text NOT NULL,
    device_id uuid,
    expected boolean NOT NULL,
    scanned_by text,
    scanned_at timestamptz,
    PRIMARY KEY (shipment_id, label)
);
