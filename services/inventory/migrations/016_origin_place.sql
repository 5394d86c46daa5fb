-- Where each device entered the register (a collection point, or the place a purchase was
-- delivered to), kept on the device: the impact figures by place and by commune read it
-- without walking histories. Devices registered before take it from their first step.
ALTER TABLE devices ADD COLUMN origin_place text NOT NULL DEFAULT '';
UPDATE devices d SET origin_place = coalesce((
    SELECT h.place_name FROM device_history_all h WHERE h.device_id = d.id
    ORDER BY h.at, h.id LIMIT 1), d.place_name);
CREATE INDEX devices_by_origin ON devices (lower(origin_place));
-- the coordinator's search pages through devices longest in their state first
CREATE INDEX devices_by_time ON devices (state_since, id);
-- and finds devices by the commune of the place they are at
CREATE INDEX devices_by_place ON devices (lower(place_name));
-- the impact figures of a period read devices by registration and deliveries by their end
CREATE INDEX devices_by_registration ON devices (registered_at);
CREATE INDEX reservations_delivered_by_end ON reservations (ended_at) WHERE status = 'delivered';
