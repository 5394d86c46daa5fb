-- Trainings people followed (who trained them, when, until when it is valid). The erasure
-- training (course data_erasure) valid on the day is what lets an administrator give the
-- erasure_officer role; workshops learn of each training by purchase.training.recorded.
CREATE TABLE trainings (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id),
    course      text NOT NULL,
    reference   text NOT NULL UNIQUE,
    taken_on    date NOT NULL,
    trainer     text NOT NULL,
    valid_until date NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trainings_valid_after_taken CHECK (valid_until >= taken_on)
);
CREATE INDEX trainings_of_account ON trainings (account_id, course, valid_until);
CREATE INDEX trainings_by_end ON trainings (valid_until);
