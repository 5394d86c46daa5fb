-- Places devices are picked up from, as collection points and workshops publish them: matching
-- measures from a need's pick-up place to where each ready device is, by name.
CREATE TABLE places (
    name       text NOT NULL,
    source_id  uuid NOT NULL,                -- the collection point's or the workshop's id
    kind       text NOT NULL,                -- 'collection_point' | 'workshop'
    commune    text NOT NULL DEFAULT '',
    latitude   double precision,
    longitude  double precision,
    active     boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE UNIQUE INDEX places_by_name ON places (lower(name));
CREATE INDEX places_by_source ON places (source_id);
