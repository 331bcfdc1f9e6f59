"""The County's identity: name, logo, colours and footer, set by County admins in the
`@@ent-identity-controlpanel` control panel (registry records `ent.identity.*`), shown by
the header, the footer and the head of every page (viewlets.py) and served by `@@ent-logo`
and `@@ent-identity.css` (views.py)."""
