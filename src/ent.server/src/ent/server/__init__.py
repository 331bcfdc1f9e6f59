"""The ENT's server: the Zope instance, its local services and its commands.

`ent-instance run` (what `make run` calls) goes through these modules in order:
`settings` reads and checks the environment, `services` starts the local directory when
no ENT_LDAP_URI is set, `files` renders instance/ into var/etc, `site` makes sure the
admin account and the Plone site exist, `commands.instance` serves with waitress
(`bodylimit`: its refusal of a body over ENT_MAX_UPLOAD_MB).
"""
