"""Theme of the ENT."""
