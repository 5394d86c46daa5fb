"""What needs a person, watched: dead letters and devices stuck in a state, announced to the
coordinators (through group_purchase, which holds their contacts) only when it grows."""
