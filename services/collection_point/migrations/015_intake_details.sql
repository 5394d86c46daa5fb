-- What the agent may note about a donated device and its donor, and the donor's
-- acknowledgements. The donor's contact is personal data: it lives in its own table, never
-- leaves this service (no event carries it) and can be erased without touching the intake.
ALTER TABLE intakes
    ADD COLUMN brand text NOT NULL DEFAULT '',
    ADD COLUMN model text NOT NULL DEFAULT '',
    ADD COLUMN serial_number text NOT NULL DEFAULT '',
    ADD COLUMN condition text
        CHECK (condition IN ('good', 'worn', 'damaged', 'does_not_start')),
    ADD COLUMN accessories text[] NOT NULL DEFAULT '{}',
    ADD COLUMN weight_kg double precision CHECK (weight_kg > 0 AND weight_kg <= 100),
    ADD COLUMN donor_kind text
        CHECK (donor_kind IN ('individual', 'company', 'association', 'public_body')),
    ADD COLUMN donor_reference text NOT NULL DEFAULT '',
    -- Who gave the three acknowledgements (data erased, unusable devices recycled, stickers
    -- removed): the donor at the counter, or the signed agreement of a bulk donation.
    ADD COLUMN acknowledged_by text NOT NULL DEFAULT 'not_recorded'
        CHECK (acknowledged_by IN ('donor', 'donation_agreement', 'not_recorded'));

CREATE INDEX intakes_by_donor ON intakes (collection_point_id, lower(donor_reference), received_at)
    WHERE donor_reference <> '';

CREATE TABLE donor_contacts (
    intake_id uuid PRIMARY KEY REFERENCES intakes (id) ON DELETE CASCADE,
    name text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
