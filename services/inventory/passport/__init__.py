"""The public passport of a device, what a donor sees when scanning its label."""
