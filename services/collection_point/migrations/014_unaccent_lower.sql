-- "villeneuve d'ascq" finds "Villeneuve-d'Ascq": search communes without case or accents.
CREATE FUNCTION unaccent_lower(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(translate($1, 'ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸàâäçéèêëîïôöùûüÿ-''’',
                               'AAACEEEEIIOOUUUYaaaceeeeiioouuuy   '));
