"""1008 → 1009 (issues #15, #16, #17): HTTP caching, a person's data, a clean error log.

plone.app.caching with the ENT's operations and purging (`ent.policy.caching.setup`); the
retention delay of a deactivated person's data (`ent.gdpr.retention_days`, registered from
its interface, so that a value an administrator set is kept); the site's error log ignoring a
visitor's mistakes (BadRequest, Forbidden). The statistics need nothing in the database.
Each step may run again: it changes nothing then.
"""

from ent.policy.caching.setup import enable_caching
from ent.policy.gdpr.interfaces import IGdprSettings
from ent.policy.hardening.errorlog import setup_error_log
from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility


def scale_and_data_protection(context):
    """Caching and purging, the GDPR settings, the error log's ignored exceptions."""
    portal = api.portal.get()
    enable_caching()
    getUtility(IRegistry).registerInterface(IGdprSettings, prefix="ent.gdpr")
    setup_error_log(portal)
