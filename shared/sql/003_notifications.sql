-- Notifications a service sends people whose contact it holds (the contact never travels in
-- an event). A notification is written in the transaction of the fact that causes it; the
-- person's inbox shows it, a letter prints it, and the mail sender delivers it by SMTP when
-- there is an address: once (marked sent when the server accepted it), every attempt counted.
CREATE TABLE notifications (
    id                uuid PRIMARY KEY,  -- also the mail's Message-ID
    recipient         text NOT NULL,     -- whose inbox (an account id)
    kind              text NOT NULL,
    details           jsonb NOT NULL DEFAULT '{}'::jsonb,
    language          text NOT NULL DEFAULT 'fr',
    email             text NOT NULL DEFAULT '',
    mail_status       text NOT NULL CHECK (mail_status IN (
        'pending', 'sent', 'failed', 'unsubscribed', 'no_address')),
    attempts          integer NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT '',
    next_attempt_at   timestamptz NOT NULL,
    sent_at           timestamptz,
    unsubscribe_token uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    created_at        timestamptz NOT NULL
);
CREATE INDEX notifications_to_send ON notifications (next_attempt_at)
    WHERE mail_status = 'pending';
CREATE INDEX notifications_of_recipient ON notifications (recipient, created_at DESC);

-- The kinds a person no longer wants by mail (one click in any of those mails).
CREATE TABLE notification_opt_outs (
    recipient text NOT NULL,
    kind      text NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (recipient, kind)
);
