-- A refused fact keeps its refusal's code and values, so that the register says it in the
-- reader's language; rows kept before keep their English reason.
ALTER TABLE rejected_transitions
    ADD COLUMN reason_code text NOT NULL DEFAULT '',
    ADD COLUMN reason_values jsonb NOT NULL DEFAULT '{}'::jsonb;
