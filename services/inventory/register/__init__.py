"""The coordinators' view of the register: devices by state, type, grade, place, commune and time
stuck, the funnel and the refusals."""
