-- Where a person is told what happened (shared/notifications): an account's e-mail address
-- (empty: no mail, the inbox and a printed letter instead) and the language of its mails.
ALTER TABLE accounts ADD COLUMN email text NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN language text NOT NULL DEFAULT 'fr'
    CHECK (language IN ('fr', 'en'));
