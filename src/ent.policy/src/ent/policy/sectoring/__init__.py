"""School sectoring: which collège serves an address (docs/sectoring.md)."""
