-- When the social worker was warned that a confirmed reservation lapses within 24 hours:
-- once per reservation, set in the transaction that writes the notification (a replica that
-- comes second finds it set and warns no one).
ALTER TABLE reservation_attempts ADD COLUMN lapsing_warned_at timestamptz;
CREATE INDEX attempts_to_warn ON reservation_attempts (expires_at)
    WHERE status = 'confirmed' AND lapsing_warned_at IS NULL;
