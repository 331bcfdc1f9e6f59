"""Upgrade steps of ent.policy:default, one module per destination version."""
