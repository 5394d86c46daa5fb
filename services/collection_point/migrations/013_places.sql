-- What citizens need to find where to give: hours, location, accepted devices, access, contact.
ALTER TABLE collection_points
    ADD COLUMN insee_code text NOT NULL DEFAULT '',
    ADD COLUMN latitude double precision,
    ADD COLUMN longitude double precision,
    ADD COLUMN opening_hours text NOT NULL DEFAULT '',
    ADD COLUMN accepted_types text[] NOT NULL
        DEFAULT ARRAY['laptop', 'desktop', 'tablet', 'smartphone', 'monitor', 'printer',
                      'peripheral', 'other'],
    ADD COLUMN accessibility text NOT NULL DEFAULT '',
    ADD COLUMN phone text NOT NULL DEFAULT '',
    ADD COLUMN email text NOT NULL DEFAULT '',
    ADD COLUMN website text NOT NULL DEFAULT '',
    ADD COLUMN pivot text NOT NULL DEFAULT '',
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX collection_points_by_commune ON collection_points (commune, name) WHERE active;
CREATE INDEX collection_points_by_postcode ON collection_points (postcode) WHERE active;
