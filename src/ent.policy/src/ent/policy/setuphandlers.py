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
    """Post install script for ent.policy:default: the County portal's structure."""
    from ent.policy.directory.plugin import install_plugin
    from ent.policy.hardening.errorlog import setup_error_log
    from ent.policy.logins.setup import install_logins
    from ent.policy.structure import create_structure
    from plone import api

    portal = api.portal.get()
    install_plugin(portal)
    install_logins(portal)
    setup_error_log(portal)
    create_structure(portal)


def post_install_demo(context):
    """Post install script for ent.policy:demo: the 103 collèges of Haute-Garonne, and news."""
    from ent.policy.demo import create_demo_content
    from ent.policy.demo_services import create_services_demo
    from ent.policy.schools.importer import import_schools
    from ent.policy.schools.importer import PACKAGED_SCHOOLS
    from ent.policy.sectoring.demo import create_sectoring_demo
    from ent.policy.structure import schools_folder
    from plone import api

    report = import_schools(schools_folder(), PACKAGED_SCHOOLS.read_bytes())
    logger.info("ent.policy demo: %s", report.summary())
    logger.info("ent.policy demo: sectoring %s", create_sectoring_demo(api.portal.get()).summary())
    logger.info("ent.policy demo: %d news items, events and announcements", create_demo_content(api.portal.get()))
    logger.info("ent.policy demo: %d aids, cases and help pages", create_services_demo(api.portal.get()))
    from ent.policy.workspaces.demo import create_spaces_demo

    logger.info("ent.policy demo: %d collaborative spaces", len(create_spaces_demo(api.portal.get())))


def uninstall(context):
    """Uninstall script: remove the directory plugin, the log-in throttle and the ENT's
    tokens (content and groups stay)."""
    from ent.policy.directory.plugin import uninstall_plugin
    from ent.policy.logins.setup import uninstall_logins
    from ent.policy.structure import unset_county_home
    from plone import api

    unset_county_home(api.portal.get())
    uninstall_logins(api.portal.get())
    uninstall_plugin(api.portal.get())
