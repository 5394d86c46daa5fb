-- Workshops, the devices they may receive, and one work order per device stay.
CREATE TABLE workshops (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    commune text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Devices announced by collection points (label → device), so a bench can scan them in.
CREATE TABLE known_devices (
    device_id uuid PRIMARY KEY,
    label text NOT NULL UNIQUE,
    device_type text NOT NULL,
    last_event_version integer NOT NULL DEFAULT 0
);

CREATE TABLE work_orders (
    id uuid PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES known_devices (device_id),
    workshop_id uuid NOT NULL REFERENCES workshops (id),
    opened_by text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    outcome text,
    closed_at timestamptz
);
CREATE UNIQUE INDEX one_open_work_order_per_device ON work_orders (device_id) WHERE closed_at IS NULL;

CREATE TABLE erasures (
    id uuid PRIMARY KEY,
    work_order_id uuid NOT NULL REFERENCES work_orders (id),
    body jsonb NOT NULL,
    no_storage boolean NOT NULL DEFAULT false,
    performed_by text NOT NULL,
    prepared_at timestamptz NOT NULL DEFAULT now(),
    validated_by text,
    certificate_sha256 text UNIQUE,
    certificate_pdf bytea,
    issued_at timestamptz
);

CREATE TABLE gradings (
    work_order_id uuid PRIMARY KEY REFERENCES work_orders (id),
    grade text NOT NULL CHECK (grade IN ('A', 'B', 'C')),
    functional_pass boolean NOT NULL,
    battery_health integer CHECK (battery_health BETWEEN 0 AND 100),
    specs jsonb NOT NULL DEFAULT '{}'::jsonb,
    graded_by text NOT NULL,
    graded_at timestamptz NOT NULL DEFAULT now()
);
