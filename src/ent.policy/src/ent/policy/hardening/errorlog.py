"""The site's error log keeps server faults, not a visitor's mistakes.

Zope's SiteErrorLog writes every exception it is not told to ignore to the event log at
level ERROR; by default it ignores only Unauthorized, NotFound and Redirect. A REST call with a
bad body (plone.restapi answers 400 with a clear message) or a form with an unreadable field
raises BadRequest: the visitor's error, answered as such, which would otherwise fill the log
with ERRORs that hide real faults (and make "the log holds no ERROR" meaningless).
"""

from plone import api


#: Exceptions answered with a 4xx the visitor can act on: kept out of the error log.
CLIENT_ERRORS = ("Unauthorized", "NotFound", "Redirect", "BadRequest", "Forbidden")


def setup_error_log(portal=None) -> None:
    """Add CLIENT_ERRORS to the site's ignored exceptions, keeping the rest of its settings."""
    portal = portal or api.portal.get()
    error_log = portal.error_log
    properties = error_log.getProperties()
    ignored = list(properties["ignored_exceptions"])
    ignored += [name for name in CLIENT_ERRORS if name not in ignored]
    error_log.setProperties(properties["keep_entries"], properties["copy_to_zlog"], ignored)
