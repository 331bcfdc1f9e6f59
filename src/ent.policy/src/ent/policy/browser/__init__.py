"""HTML views of the ENT."""
