"""Interfaces of ent.policy."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IEntPolicyLayer(IDefaultBrowserLayer):
    """Marker for the requests of a site where ent.policy is installed."""
