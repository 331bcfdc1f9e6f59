"""Collaborative spaces (issue 14): see docs/workspaces.md."""
