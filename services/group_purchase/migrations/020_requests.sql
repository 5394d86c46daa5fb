-- Households' requests: organisations, households (the only personal data of the territory),
-- requests and their needs, proposals with reasons, reservation attempts, and what this
-- service knows of ready devices (a projection of inventory's announcements).
CREATE TABLE organisations (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL DEFAULT 'social_service',
    contact       text NOT NULL DEFAULT '',
    commune       text NOT NULL DEFAULT '',
    monthly_quota integer CHECK (monthly_quota IS NULL OR monthly_quota >= 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_name_unique ON organisations (lower(name));

CREATE TABLE households (
    id                 uuid PRIMARY KEY,
    reference          text NOT NULL UNIQUE,
    organisation_id    uuid NOT NULL REFERENCES organisations (id),
    commune            text NOT NULL,
    contact_name       text NOT NULL DEFAULT '',
    contact_phone      text NOT NULL DEFAULT '',
    situation          jsonb NOT NULL,
    existing_equipment text NOT NULL DEFAULT '',
    internet_access    text NOT NULL DEFAULT '',
    consent_at         timestamptz NOT NULL,
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    erased_at          timestamptz
);
CREATE INDEX households_of_organisation ON households (organisation_id, created_at DESC);

CREATE TABLE requests (
    id              uuid PRIMARY KEY,
    household_id    uuid NOT NULL REFERENCES households (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    source          text NOT NULL CHECK (source IN ('online', 'paper')),
    submitted_by    text NOT NULL,
    submitted_at    timestamptz NOT NULL,
    cancelled_at    timestamptz
);
CREATE INDEX requests_of_household ON requests (household_id);

CREATE TABLE needs (
    id                 uuid PRIMARY KEY,
    request_id         uuid NOT NULL REFERENCES requests (id),
    position           integer NOT NULL,
    device_type        text NOT NULL,
    purpose            text NOT NULL,
    min_memory_gb      integer NOT NULL DEFAULT 0,
    min_storage_gb     integer NOT NULL DEFAULT 0,
    larger_screen      boolean NOT NULL DEFAULT false,
    keyboard_layout    text NOT NULL DEFAULT '',
    accessibility_note text NOT NULL DEFAULT '',
    pickup_place       text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT 'submitted' CHECK (status IN (
        'submitted', 'proposed', 'reserving', 'reserved', 'handed_over', 'waiting',
        'cancelled', 'returned')),
    waiting_since      timestamptz NOT NULL,
    note               text NOT NULL DEFAULT '',
    -- why nothing fits yet (matching's reasons), shown to the social worker
    unmatched_reasons  jsonb NOT NULL DEFAULT '[]',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, position)
);
CREATE INDEX needs_open ON needs (status) WHERE status IN ('submitted', 'proposed', 'waiting');

CREATE TABLE proposals (
    id          uuid PRIMARY KEY,
    need_id     uuid NOT NULL REFERENCES needs (id),
    device_id   uuid NOT NULL,
    label       text NOT NULL,
    reasons     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'confirmed', 'declined', 'withdrawn')),
    decided_by  text NOT NULL DEFAULT '',
    decline_reason text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz
);
-- a need has one open proposal at a time, and a device is offered to one need at a time
CREATE UNIQUE INDEX proposals_one_open_per_need ON proposals (need_id) WHERE status = 'open';
CREATE UNIQUE INDEX proposals_one_open_per_device ON proposals (device_id) WHERE status = 'open';

-- One attempt to reserve a device for a need; its id is the ``request_id`` inventory answers.
CREATE TABLE reservation_attempts (
    id              uuid PRIMARY KEY,
    need_id         uuid NOT NULL REFERENCES needs (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    device_id       uuid NOT NULL,
    label           text NOT NULL,
    status          text NOT NULL DEFAULT 'requested' CHECK (status IN (
        'requested', 'confirmed', 'rejected', 'expired', 'released', 'handed_over',
        'returned')),
    requested_by    text NOT NULL,
    requested_at    timestamptz NOT NULL,
    answered_at     timestamptz,
    expires_at      timestamptz,
    reason          text NOT NULL DEFAULT '',
    handed_over_at  timestamptz,
    handed_over_at_place text NOT NULL DEFAULT '',
    handed_over_by  text NOT NULL DEFAULT ''
);
-- the database itself refuses to promise one device, or to serve one need, twice
CREATE UNIQUE INDEX attempts_one_live_per_device ON reservation_attempts (device_id)
    WHERE status IN ('requested', 'confirmed', 'handed_over');
CREATE UNIQUE INDEX attempts_one_live_per_need ON reservation_attempts (need_id)
    WHERE status IN ('requested', 'confirmed', 'handed_over');
CREATE INDEX attempts_by_organisation ON reservation_attempts (organisation_id, requested_at);

-- Devices as inventory announced them: specs from ``inventory.device.available``, the
-- current state from ``inventory.device.state_changed``.
CREATE TABLE known_devices (
    device_id     uuid PRIMARY KEY,
    label         text NOT NULL,
    device_type   text NOT NULL DEFAULT '',
    state         text NOT NULL,
    grade         text NOT NULL DEFAULT '',
    make_model    text NOT NULL DEFAULT '',
    memory_gb     integer NOT NULL DEFAULT 0,
    storage_gb    integer NOT NULL DEFAULT 0,
    screen_inches real NOT NULL DEFAULT 0,
    place_name    text NOT NULL DEFAULT '',
    became_ready_at timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_devices_ready ON known_devices (device_type) WHERE state = 'ready';
