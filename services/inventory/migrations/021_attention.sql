-- What the attention watch saw last of each thing it watches ('dead_letters', 'stuck:received',
-- ...): a level (the last dead letter's number, the devices stuck in a state), and how many
-- times a rise was announced. Kept so that a restart, or a second replica, does not announce
-- again what coordinators were already told.
CREATE TABLE attention_levels (
    watched       text PRIMARY KEY,
    level         bigint NOT NULL,
    announcements integer NOT NULL DEFAULT 0,
    seen_at       timestamptz NOT NULL
);
