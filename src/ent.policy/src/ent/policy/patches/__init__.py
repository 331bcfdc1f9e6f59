"""Process-wide fixes applied when ent.policy is imported (before Zope serves)."""
