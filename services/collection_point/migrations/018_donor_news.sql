-- A donor who left an e-mail address may agree, at the counter, to be told what became of
-- their device: when it is ready for a household, and when it found one. The consent and the
-- language of the counter's page live beside the contact (personal data, never in an event);
-- the donor withdraws it in one click from any of those mails.
ALTER TABLE donor_contacts
    ADD COLUMN news boolean NOT NULL DEFAULT false,
    ADD COLUMN language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    ADD COLUMN news_stopped_at timestamptz,
    ADD CONSTRAINT donor_contacts_news_needs_email CHECK (NOT news OR email <> '');

-- What each donor was told, once per device and kind: a state announced again (ready after a
-- lapsed reservation, an event delivered twice) finds its row here and writes nothing.
CREATE TABLE donor_news (
    device_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('donation_ready', 'donation_placed')),
    told_at timestamptz NOT NULL,
    PRIMARY KEY (device_id, kind)
);

-- One click from a mail stops the news to that address, of every device given with it.
CREATE INDEX donor_contacts_news_by_email ON donor_contacts (lower(email)) WHERE news;
