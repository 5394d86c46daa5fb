-- The device register and each device's history.
CREATE TABLE devices (
    id uuid PRIMARY KEY,
    label text NOT NULL UNIQUE,
    device_type text NOT NULL,
    state text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    registered_at timestamptz NOT NULL DEFAULT now(),
    state_since timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_by_state ON devices (state, state_since);

CREATE TABLE device_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (id),
    at timestamptz NOT NULL,
    state text NOT NULL,
    subject text NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    producer text NOT NULL,
    place_name text NOT NULL DEFAULT '',
    correlation_id text NOT NULL DEFAULT ''
);
CREATE INDEX device_history_by_device ON device_history (device_id, at);
