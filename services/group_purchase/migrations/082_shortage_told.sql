-- The device types the coordinators were told are short (open needs that ready stock cannot
-- serve), until they recover: told once a shortage, again only after it ended and came back,
-- whatever restarts or replicas do.
CREATE TABLE shortage_told (
    device_type text PRIMARY KEY,
    since       timestamptz NOT NULL
);
