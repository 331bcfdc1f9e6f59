"""What the GenericSetup XML of ent.policy cannot say."""
from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer

import logging


logger = logging.getLogger("ent.policy")

@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the profiles that are not meant to be installed from the add-on screen."""
        return ["ent.policy:uninstall"]

    def getNonInstallableProducts(self):
        return []


def post_install(context):
    """Post install script for ent.policy:default."""


def post_install_demo(context):
    """Post install script for ent.policy:demo.

    The demo content (schools, demo directory) arrives with the features that
    own it; this handler is their single entry point.
    """
    logger.info("ent.policy demo profile applied")


def uninstall(context):
    """Uninstall script: ent.policy keeps no state outside its registry records yet."""

