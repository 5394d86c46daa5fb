-- The communes of the places devices are collected at or refurbished in, as the collection
-- points and the workshops publish them: the register and the impact figures by commune.
CREATE TABLE places (
    source_id  uuid PRIMARY KEY,
    name       text NOT NULL,
    commune    text NOT NULL DEFAULT '',
    kind       text NOT NULL CHECK (kind IN ('collection_point', 'workshop')),
    updated_at timestamptz NOT NULL
);
CREATE INDEX places_by_name ON places (lower(name));
CREATE INDEX places_by_commune ON places (lower(commune));
