-- The archived events: the messages of a stream stored before a month's end, written out as a
-- Parquet file (zstd), verified by digest, then purged from the stream. One row per file:
-- which stream, which month and which stream sequences it holds, where it is, its SHA-256 and
-- its messages' digest, and how many bytes the stream freed when they left it.
CREATE TABLE tier_archived_events (
    stream text NOT NULL,
    first_sequence bigint NOT NULL,
    last_sequence bigint NOT NULL,
    month date NOT NULL,
    events bigint NOT NULL,
    location text NOT NULL,
    bytes bigint NOT NULL,
    file_sha256 text NOT NULL,
    events_sha256 text NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, first_sequence),
    CHECK (last_sequence >= first_sequence)
);

-- What purging the archived events freed in each stream (bytes the stream held before, less
-- after), added up over every purge.
CREATE TABLE tier_stream_purges (
    stream text PRIMARY KEY,
    purged_before bigint NOT NULL,  -- the stream's first sequence after the last purge
    freed_bytes bigint NOT NULL DEFAULT 0
);
