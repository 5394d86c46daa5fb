-- Where a device comes from: a donation (collected, then refurbished) or a group purchase
-- (delivered refurbished by a supplier, ready at once).
ALTER TABLE devices
    ADD COLUMN source text NOT NULL DEFAULT 'donation' CHECK (source IN ('donation', 'purchase'));
