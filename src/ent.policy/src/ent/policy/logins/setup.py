"""Installing the log-in protections in a site (post_install of ent.policy:default)."""

from .throttle import install_throttle
from .tokens import install_tokens
from .tokens import uninstall_tokens


def install_logins(portal):
    """The failed log-ins throttle, first of the authentication plugins; tokens that end
    with the account."""
    install_throttle(portal)
    install_tokens(portal)


def uninstall_logins(portal):
    from .throttle import PLUGIN_ID

    uninstall_tokens(portal)
    if PLUGIN_ID in portal.acl_users.objectIds():
        portal.acl_users._delObject(PLUGIN_ID)


def upgrade_logins(context):
    """Upgrade step for existing sites (profile 1003): install the above."""
    from plone import api

    install_logins(api.portal.get())
