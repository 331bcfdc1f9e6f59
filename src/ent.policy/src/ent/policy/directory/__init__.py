"""The directory (LDAP): its shape, its configuration, the PAS plugin, and provisioning
from CSV. The private slapd and the demo and scale LDIF are ent.server's. See
docs/directory.md."""
