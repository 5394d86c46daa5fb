-- What inventory last said about each collected device, so the counter can see it arrived.
ALTER TABLE intakes
    ADD COLUMN inventory_state text,
    ADD COLUMN inventory_state_at timestamptz;
