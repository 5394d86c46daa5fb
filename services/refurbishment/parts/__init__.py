"""A workshop's parts bin: parts harvested from dismantled devices or added by hand."""
