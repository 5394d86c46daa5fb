"""Dead letters: events no consumer could apply, listed for coordinators and replayed once their
prerequisite is there (pages and JSON API)."""
