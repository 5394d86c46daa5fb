-- The device version inventory announced a state at: events of one device may be applied out
-- of order (consumers apply batches concurrently), and a late, older state must not hide a
-- newer one (a device ready again, shown as still in the workshop).
ALTER TABLE known_devices ADD COLUMN state_version integer NOT NULL DEFAULT 0;
