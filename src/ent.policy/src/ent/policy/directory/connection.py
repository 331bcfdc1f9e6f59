"""A connection of the ENT's own to the directory, for the searches it makes beside
pas.plugins.ldap's (the people an item notifies, a parent's children): the settings' TLS,
bind and connection timeout, and the caller's time limit per operation."""

import ldap


def bound_connection(config, timeout: float):
    """A new connection to `config.uri`, bound as `config.bind_dn`; raises ldap.LDAPError."""
    connection = ldap.initialize(config.uri)
    connection.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    connection.set_option(ldap.OPT_REFERRALS, 0)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, config.connect_timeout)
    connection.set_option(ldap.OPT_TIMEOUT, timeout)
    if config.ca_file:
        connection.set_option(ldap.OPT_X_TLS_CACERTFILE, config.ca_file)
    if config.ignore_cert:
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)
    if config.ca_file or config.ignore_cert:
        connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if config.start_tls:
        connection.start_tls_s()
    connection.simple_bind_s(config.bind_dn, config.bind_password)
    return connection
