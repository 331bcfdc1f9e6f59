"""Content types of the ENT."""
