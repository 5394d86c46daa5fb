"""The coordinators' view of the register: devices by state, type, grade, place, commune and time
stuck, the funnel and the refusals (pages and JSON API), and the places' communes it filters by,
kept from the places' own events."""
