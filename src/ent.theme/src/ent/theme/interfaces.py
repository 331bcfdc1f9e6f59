"""Interfaces of ent.theme."""

from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IEntThemeLayer(IDefaultBrowserLayer):
    """Marker for the requests of a site where ent.theme is installed."""
