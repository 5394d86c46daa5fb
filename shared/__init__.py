"""The kit every Boucle service is built from."""
