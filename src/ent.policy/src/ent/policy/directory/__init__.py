"""The directory (LDAP): its shape, the private slapd of the demo and the tests, the demo
and scale directories, and provisioning from CSV. See docs/directory.md."""
