-- The weight measured at the collection point's counter, when the device was weighed: the
-- e-waste figures use it, and a default weight by type otherwise.
ALTER TABLE devices ADD COLUMN weight_kg real CHECK (weight_kg IS NULL OR weight_kg > 0);
