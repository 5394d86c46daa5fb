-- When a device's state was recorded here, beside when it began (`state_since`, the fact's own
-- time, which a fact arriving late sets in the past): the attention watch tells a device newly
-- stuck if its state was recorded, or its threshold crossed, since its last look — even when
-- as many devices left the state meanwhile. Devices recorded before this column say nothing of
-- it ('-infinity'); the ones recorded from now on take the transaction's time.
ALTER TABLE devices ADD COLUMN state_applied_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE devices ALTER COLUMN state_applied_at SET DEFAULT now();

CREATE FUNCTION devices_state_applied() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.state_applied_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER devices_state_applied BEFORE UPDATE OF state, state_since ON devices
    FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state
                       OR NEW.state_since IS DISTINCT FROM OLD.state_since)
    EXECUTE FUNCTION devices_state_applied();

-- When each look was made by the database's clock (the one `state_applied_at` is stamped by);
-- the looks made before this column, at about the time they say.
ALTER TABLE attention_levels ADD COLUMN looked_at timestamptz;
UPDATE attention_levels SET looked_at = seen_at;
