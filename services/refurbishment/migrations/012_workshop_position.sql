-- Where a workshop is, so that households are offered devices refurbished near them.
ALTER TABLE workshops ADD COLUMN latitude double precision;
ALTER TABLE workshops ADD COLUMN longitude double precision;
