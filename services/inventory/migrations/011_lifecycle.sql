-- What the lifecycle's guards need, reservations (one active per device), rejected facts.
ALTER TABLE devices
    ADD COLUMN place_name text NOT NULL DEFAULT '',
    ADD COLUMN entered_refurbishment_at timestamptz,
    ADD COLUMN erasure_certificate_id uuid,
    ADD COLUMN erasure_no_storage boolean NOT NULL DEFAULT false,
    ADD COLUMN erased_at timestamptz,
    ADD COLUMN grade text CHECK (grade IN ('A', 'B', 'C')),
    ADD COLUMN functional_pass boolean,
    ADD COLUMN graded_at timestamptz,
    ADD COLUMN specs jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- highest aggregate_version of the workshop's facts about the device seen so far
    ADD COLUMN refurbishment_facts_seen integer NOT NULL DEFAULT 0;

CREATE TABLE reservations (
    request_id uuid PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (id),
    household_reference text NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'rejected', 'released', 'expired', 'delivered')),
    reason text NOT NULL DEFAULT '',
    correlation_id text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL,
    expires_at timestamptz,
    ended_at timestamptz
);
-- the database itself refuses a second active reservation of one device
CREATE UNIQUE INDEX reservations_one_active_per_device ON reservations (device_id)
    WHERE status = 'active';
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE status = 'active';

CREATE TABLE rejected_transitions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (id),
    event_id uuid NOT NULL UNIQUE,
    subject text NOT NULL,
    producer text NOT NULL,
    state text NOT NULL,
    reason text NOT NULL,
    correlation_id text NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rejected_transitions_by_time ON rejected_transitions (rejected_at DESC);
CREATE INDEX rejected_transitions_by_device ON rejected_transitions (device_id);
