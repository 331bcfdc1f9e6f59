"""Hardening of the ENT: safe links, bounded request bodies, security headers, safe redirects,
collective.honeypot kept from turning a malformed REST body into a 500 (`honeypot`).

See docs/security.md (sections "Bad links and payloads" and "Headers").
"""

from ent.policy.hardening import honeypot  # noqa: F401 -- applied at import
