"""Profiles of ent.theme hidden from the add-on screen."""

from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["ent.theme:uninstall"]

    def getNonInstallableProducts(self):
        return []
