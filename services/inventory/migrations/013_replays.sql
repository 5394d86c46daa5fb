-- Dead letters replayed by the coordination: one replay per DLQ entry, and who asked for it.
CREATE TABLE replays (
    dlq_seq bigint PRIMARY KEY,
    stream text NOT NULL,
    stream_seq bigint NOT NULL,
    subject text NOT NULL,
    message_id text NOT NULL,
    replayed_as bigint,
    replayed_by text NOT NULL,
    replayed_at timestamptz NOT NULL DEFAULT now()
);
