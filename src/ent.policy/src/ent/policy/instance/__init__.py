"""The ENT's Zope instance: its settings, its files under var/, its site, its server.

`ent-instance run` (what `make run` calls) goes through these modules in order:
`settings` reads and checks the environment, `files` renders instance/ into var/etc,
`site` makes sure the admin account and the Plone site exist, `cli` serves with waitress.
"""
