"""Hardening of the ENT: safe links, bounded request bodies, security headers, safe redirects.

See docs/security.md (sections "Bad links and payloads" and "Headers").
"""
