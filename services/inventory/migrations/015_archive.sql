-- Data tiering: the histories of devices delivered, recycled or dismantled long ago move to an
-- archive table (same columns, same ids); passports and reports read both through one view.
CREATE TABLE device_history_archive (
    id bigint PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (id),
    at timestamptz NOT NULL,
    state text NOT NULL,
    subject text NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    producer text NOT NULL,
    place_name text NOT NULL DEFAULT '',
    correlation_id text NOT NULL DEFAULT '',
    archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_history_archive_by_device ON device_history_archive (device_id, at);

-- The devices at the end of their journey, oldest first: where the archiving walks.
CREATE INDEX devices_ended_by_time ON devices (state_since, id)
    WHERE state IN ('delivered', 'recycled', 'dismantled');

-- Active and archived rows together: every reader of a device's history reads this.
CREATE VIEW device_history_all AS
    SELECT id, device_id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM device_history
    UNION ALL
    SELECT id, device_id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM device_history_archive;
