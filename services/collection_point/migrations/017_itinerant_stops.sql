-- Where and when an itinerant collection point (a bus numérique) stops: a place in a commune,
-- its position, a day and the hours it opens there (Paris time, as the schedule is printed).
CREATE TABLE place_stops (
    id uuid PRIMARY KEY,
    collection_point_id uuid NOT NULL REFERENCES collection_points (id),
    place_name text NOT NULL,
    commune text NOT NULL,
    insee_code text NOT NULL,
    latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    day date NOT NULL,
    opens time NOT NULL,
    closes time NOT NULL,
    CHECK (opens < closes)
);
CREATE INDEX place_stops_by_point ON place_stops (collection_point_id, day, opens);
CREATE INDEX place_stops_by_day ON place_stops (day);
