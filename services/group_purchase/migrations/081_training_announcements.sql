-- When a training's coming end was announced to the person and the administrators (30 days
-- before it): once per training, set in the transaction that writes the notifications. A new
-- training that replaces it is a new row, announced in its turn.
ALTER TABLE trainings ADD COLUMN expiry_announced_at timestamptz;
CREATE INDEX trainings_to_announce ON trainings (valid_until) WHERE expiry_announced_at IS NULL;
