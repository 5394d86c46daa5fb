-- The public impact figures read counters kept as devices move, instead of counting a year of
-- devices and deliveries at read time. Triggers on `devices` and `reservations` append each
-- move to a `*_moves` table (an insert, so concurrent transactions never wait on a shared
-- counter row); `impact_compact()` folds the moves into counters per Paris day and per month,
-- and a period is read from whole months, the days at its edges and the moves not yet folded.
-- `impact_recount()` computes everything afresh from the register
-- (`boucle inventory recount`).
--
-- A device handed over more than once (returned, then handed over again) counts once, at
-- its first hand-over; a household once, on the day it was first equipped: a period's
-- figures add up to the year's, and no reuse is counted twice.

CREATE TABLE impact_collected (  -- donated devices by registration day, place and state now
    day date NOT NULL,
    place text NOT NULL,
    state text NOT NULL,
    devices bigint NOT NULL,
    PRIMARY KEY (day, place, state)
);
CREATE TABLE impact_collected_monthly (
    month date NOT NULL,
    place text NOT NULL,
    state text NOT NULL,
    devices bigint NOT NULL,
    PRIMARY KEY (month, place, state)
);
CREATE TABLE impact_collected_moves (
    day date NOT NULL,
    place text NOT NULL,
    state text NOT NULL,
    devices integer NOT NULL
);

CREATE TABLE impact_first_handovers (  -- each device ever handed over, as first handed over
    device_id uuid PRIMARY KEY,
    day date NOT NULL,
    device_type text NOT NULL,
    place text NOT NULL,
    donated boolean NOT NULL,
    weight_kg double precision
);
CREATE TABLE impact_handed_over (  -- first hand-overs by day, type, place and source
    day date NOT NULL,
    device_type text NOT NULL,
    place text NOT NULL,
    donated boolean NOT NULL,
    devices bigint NOT NULL,
    weighed bigint NOT NULL,
    measured_kg double precision NOT NULL,
    PRIMARY KEY (day, device_type, place, donated)
);
CREATE TABLE impact_handed_over_monthly (
    month date NOT NULL,
    device_type text NOT NULL,
    place text NOT NULL,
    donated boolean NOT NULL,
    devices bigint NOT NULL,
    weighed bigint NOT NULL,
    measured_kg double precision NOT NULL,
    PRIMARY KEY (month, device_type, place, donated)
);
CREATE TABLE impact_handed_over_moves (
    day date NOT NULL,
    device_type text NOT NULL,
    place text NOT NULL,
    donated boolean NOT NULL,
    devices integer NOT NULL,
    weighed integer NOT NULL,
    measured_kg double precision NOT NULL
);

CREATE TABLE impact_first_equipped (  -- each household ever equipped, and when first
    household_reference text PRIMARY KEY,
    day date NOT NULL
);
CREATE TABLE impact_households (day date PRIMARY KEY, households bigint NOT NULL);
CREATE TABLE impact_households_moves (day date NOT NULL, households integer NOT NULL);

CREATE FUNCTION impact_paris_day(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$ SELECT (at AT TIME ZONE 'Europe/Paris')::date $$;

CREATE FUNCTION impact_count_collected(d devices, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF d.source = 'donation' THEN
        INSERT INTO impact_collected_moves (day, place, state, devices)
        VALUES (impact_paris_day(d.registered_at), d.origin_place, d.state, sign);
    END IF;
END $$;

CREATE FUNCTION impact_count_handover(f impact_first_handovers, sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO impact_handed_over_moves
        (day, device_type, place, donated, devices, weighed, measured_kg)
    VALUES (f.day, f.device_type, f.place, f.donated, sign,
            CASE WHEN f.weight_kg IS NULL THEN 0 ELSE sign END, sign * coalesce(f.weight_kg, 0))
$$;

-- A device's first hand-over, taken out of the counters and put back as it is now.
CREATE FUNCTION impact_refresh_handover(device uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    was impact_first_handovers;
    now_is impact_first_handovers;
BEGIN
    DELETE FROM impact_first_handovers WHERE device_id = device RETURNING * INTO was;
    IF FOUND THEN
        PERFORM impact_count_handover(was, -1);
    END IF;
    INSERT INTO impact_first_handovers (device_id, day, device_type, place, donated, weight_kg)
    SELECT d.id, impact_paris_day(first.ended_at), d.device_type, d.origin_place,
           d.source = 'donation', d.weight_kg
    FROM devices d
    CROSS JOIN LATERAL (
        SELECT r.ended_at FROM reservations r
        WHERE r.device_id = d.id AND r.status = 'delivered'
        ORDER BY r.ended_at LIMIT 1
    ) first
    WHERE d.id = device
    RETURNING * INTO now_is;
    IF FOUND THEN
        PERFORM impact_count_handover(now_is, 1);
    END IF;
END $$;

CREATE FUNCTION impact_refresh_household(reference text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    was_day date;
    first_day date;
BEGIN
    DELETE FROM impact_first_equipped WHERE household_reference = reference
        RETURNING day INTO was_day;
    IF FOUND THEN
        INSERT INTO impact_households_moves (day, households) VALUES (was_day, -1);
    END IF;
    SELECT impact_paris_day(min(r.ended_at)) INTO first_day FROM reservations r
        WHERE r.household_reference = reference AND r.status = 'delivered';
    IF first_day IS NOT NULL THEN
        INSERT INTO impact_first_equipped (household_reference, day) VALUES (reference, first_day);
        INSERT INTO impact_households_moves (day, households) VALUES (first_day, 1);
    END IF;
END $$;

CREATE FUNCTION impact_device_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.state, OLD.registered_at, OLD.origin_place, OLD.source, OLD.device_type,
            OLD.weight_kg)
           IS NOT DISTINCT FROM
           (NEW.state, NEW.registered_at, NEW.origin_place, NEW.source, NEW.device_type,
            NEW.weight_kg) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM impact_count_collected(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM impact_count_collected(NEW, 1);
    END IF;
    IF TG_OP = 'UPDATE'
       AND (OLD.origin_place, OLD.source, OLD.device_type, OLD.weight_kg)
           IS DISTINCT FROM (NEW.origin_place, NEW.source, NEW.device_type, NEW.weight_kg) THEN
        PERFORM impact_refresh_handover(NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION impact_reservation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'delivered'
       OR (TG_OP = 'UPDATE' AND OLD.status = 'delivered') THEN
        PERFORM impact_refresh_handover(NEW.device_id);
        PERFORM impact_refresh_household(NEW.household_reference);
        IF TG_OP = 'UPDATE' AND OLD.household_reference <> NEW.household_reference THEN
            PERFORM impact_refresh_household(OLD.household_reference);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER impact_devices
    AFTER INSERT OR DELETE
    OR UPDATE OF state, registered_at, origin_place, source, device_type, weight_kg
    ON devices FOR EACH ROW EXECUTE FUNCTION impact_device_changed();

CREATE TRIGGER impact_reservations
    AFTER INSERT OR UPDATE OF status, ended_at, household_reference
    ON reservations FOR EACH ROW EXECUTE FUNCTION impact_reservation_changed();

-- The moves committed so far folded into the daily and monthly counters; moves committed
-- meanwhile wait for the next time. One compaction at a time.
CREATE FUNCTION impact_compact() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('impact_compact'));
    WITH moved AS (
        DELETE FROM impact_collected_moves RETURNING *
    ), summed AS (
        SELECT day, place, state, sum(devices) AS devices FROM moved GROUP BY 1, 2, 3
    ), daily AS (
        INSERT INTO impact_collected AS c (day, place, state, devices)
        SELECT day, place, state, devices FROM summed
        ON CONFLICT (day, place, state) DO UPDATE SET devices = c.devices + excluded.devices
    )
    INSERT INTO impact_collected_monthly AS m (month, place, state, devices)
    SELECT date_trunc('month', day)::date, place, state, sum(devices) FROM summed
    GROUP BY 1, 2, 3
    ON CONFLICT (month, place, state) DO UPDATE SET devices = m.devices + excluded.devices;

    WITH moved AS (
        DELETE FROM impact_handed_over_moves RETURNING *
    ), summed AS (
        SELECT day, device_type, place, donated, sum(devices) AS devices,
               sum(weighed) AS weighed, sum(measured_kg) AS measured_kg
        FROM moved GROUP BY 1, 2, 3, 4
    ), daily AS (
        INSERT INTO impact_handed_over AS h
            (day, device_type, place, donated, devices, weighed, measured_kg)
        SELECT * FROM summed
        ON CONFLICT (day, device_type, place, donated) DO UPDATE SET
            devices = h.devices + excluded.devices,
            weighed = h.weighed + excluded.weighed,
            measured_kg = h.measured_kg + excluded.measured_kg
    )
    INSERT INTO impact_handed_over_monthly AS m
        (month, device_type, place, donated, devices, weighed, measured_kg)
    SELECT date_trunc('month', day)::date, device_type, place, donated, sum(devices),
           sum(weighed), sum(measured_kg)
    FROM summed GROUP BY 1, 2, 3, 4
    ON CONFLICT (month, device_type, place, donated) DO UPDATE SET
        devices = m.devices + excluded.devices,
        weighed = m.weighed + excluded.weighed,
        measured_kg = m.measured_kg + excluded.measured_kg;

    WITH moved AS (
        DELETE FROM impact_households_moves RETURNING *
    )
    INSERT INTO impact_households AS h (day, households)
    SELECT day, sum(households) FROM moved GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET households = h.households + excluded.households;
END $$;

-- Every counter computed afresh from the register, in the caller's transaction.
CREATE FUNCTION impact_recount() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE devices, reservations IN SHARE MODE;  -- no move half-counted meanwhile
    PERFORM pg_advisory_xact_lock(hashtext('impact_compact'));
    TRUNCATE impact_collected, impact_collected_monthly, impact_collected_moves,
        impact_first_handovers, impact_handed_over, impact_handed_over_monthly,
        impact_handed_over_moves, impact_first_equipped, impact_households,
        impact_households_moves;
    INSERT INTO impact_collected_moves (day, place, state, devices)
    SELECT impact_paris_day(registered_at), origin_place, state, count(*)
    FROM devices WHERE source = 'donation' GROUP BY 1, 2, 3;
    INSERT INTO impact_first_handovers (device_id, day, device_type, place, donated, weight_kg)
    SELECT DISTINCT ON (d.id) d.id, impact_paris_day(r.ended_at), d.device_type,
           d.origin_place, d.source = 'donation', d.weight_kg
    FROM reservations r JOIN devices d ON d.id = r.device_id
    WHERE r.status = 'delivered'
    ORDER BY d.id, r.ended_at;
    INSERT INTO impact_handed_over_moves (day, device_type, place, donated, devices, weighed,
                                          measured_kg)
    SELECT day, device_type, place, donated, count(*), count(weight_kg),
           coalesce(sum(weight_kg), 0)
    FROM impact_first_handovers GROUP BY 1, 2, 3, 4;
    INSERT INTO impact_first_equipped (household_reference, day)
    SELECT household_reference, impact_paris_day(min(ended_at))
    FROM reservations WHERE status = 'delivered' GROUP BY 1;
    INSERT INTO impact_households_moves (day, households)
    SELECT day, count(*) FROM impact_first_equipped GROUP BY 1;
    PERFORM impact_compact();
END $$;

SELECT impact_recount();
