"""The ENT's command-line entry points: `ent-instance`, `ent-directory`, `ent-schools`."""
