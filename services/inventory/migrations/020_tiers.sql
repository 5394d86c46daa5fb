-- Three tiers of device histories. Active: `device_history`. Passive: the histories of devices
-- that ended their journey long ago, read-only, in monthly partitions of
-- `device_history_passive` by the month the journey ended (UTC), each partition on the
-- tablespace the settings name when it is created. Archived: a passive month written out as a
-- Parquet file (zstd), verified by digest and then dropped from the database; `tier_archived`
-- says where each month's file is and what it holds, `tier_archived_devices` which devices
-- have history in it (a passport reads only the files of its device).
CREATE FUNCTION tier_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date $$;

CREATE TABLE device_history_passive (
    id bigint NOT NULL,
    device_id uuid NOT NULL REFERENCES devices (id),
    at timestamptz NOT NULL,
    state text NOT NULL,
    subject text NOT NULL,
    event_id uuid NOT NULL,
    producer text NOT NULL,
    place_name text NOT NULL DEFAULT '',
    correlation_id text NOT NULL DEFAULT '',
    ended_month date NOT NULL,
    passive_since timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, ended_month)
) PARTITION BY RANGE (ended_month);
CREATE INDEX device_history_passive_by_device ON device_history_passive (device_id, at);

-- The passive tier is read-only: its rows are moved in and out whole, never changed.
CREATE FUNCTION tier_passive_read_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the passive history is read-only' USING ERRCODE = 'read_only_sql_transaction';
END $$;
CREATE TRIGGER tier_passive_read_only BEFORE UPDATE ON device_history_passive
    FOR EACH ROW EXECUTE FUNCTION tier_passive_read_only();

-- The monthly partition of `month`, created when missing, on `space` when one is named.
CREATE FUNCTION tier_passive_partition(month date, space text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'device_history_passive_' || to_char(month, 'YYYY_MM');
BEGIN
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF device_history_passive FOR VALUES FROM (%L) TO (%L)%s',
            name, month, (month + interval '1 month')::date,
            CASE WHEN space <> '' THEN format(' TABLESPACE %I', space) ELSE '' END);
    END IF;
    RETURN name;
END $$;

-- The rows archived before (by the hour, to `device_history_archive`) move to their month.
DO $$
DECLARE
    month date;
BEGIN
    FOR month IN
        SELECT DISTINCT tier_month(CASE WHEN d.state IN ('delivered', 'recycled', 'dismantled')
                                        THEN d.state_since ELSE a.archived_at END)
        FROM device_history_archive a JOIN devices d ON d.id = a.device_id
    LOOP
        PERFORM tier_passive_partition(month, '');
    END LOOP;
END $$;
INSERT INTO device_history_passive (id, device_id, at, state, subject, event_id, producer,
                                    place_name, correlation_id, ended_month, passive_since)
SELECT a.id, a.device_id, a.at, a.state, a.subject, a.event_id, a.producer, a.place_name,
       a.correlation_id,
       tier_month(CASE WHEN d.state IN ('delivered', 'recycled', 'dismantled')
                       THEN d.state_since ELSE a.archived_at END),
       a.archived_at
FROM device_history_archive a JOIN devices d ON d.id = a.device_id;

DROP VIEW device_history_all;
DROP TABLE device_history_archive;

-- Active and passive rows together (archived rows are read from their files).
CREATE VIEW device_history_all AS
    SELECT id, device_id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM device_history
    UNION ALL
    SELECT id, device_id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM device_history_passive;

CREATE TABLE tier_archived (
    month date PRIMARY KEY,
    location text NOT NULL,          -- the Parquet file
    rows bigint NOT NULL,
    devices bigint NOT NULL,
    bytes bigint NOT NULL,           -- of the file
    database_bytes bigint NOT NULL,  -- the partition took in the database
    file_sha256 text NOT NULL,
    rows_sha256 text NOT NULL,       -- of its rows, in id order (see archive/files.py)
    archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE tier_archived_devices (
    device_id uuid NOT NULL,
    month date NOT NULL REFERENCES tier_archived (month) ON DELETE CASCADE,
    PRIMARY KEY (device_id, month)
);
