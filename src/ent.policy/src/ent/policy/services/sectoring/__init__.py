"""REST endpoints of the school sectoring (docs/sectoring.md)."""
