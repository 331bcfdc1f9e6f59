"""The local services that `ent-instance` starts beside Zope when no external one is set:
the directory (a private slapd under var/ldap)."""
