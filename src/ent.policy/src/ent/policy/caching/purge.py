"""What an edit purges from the front proxy, and sending it there.

Any change of a content item (modified, workflow transition, added, moved, removed) purges
the item's own addresses (plone.app.caching's path adapters), its folder, its school's home
and the County home: those pages list news and events from below them. plone.cachepurging
queues the paths for the request (its registry says enabled, with no proxy of its own);
`send_purges`, once the transaction is committed, sends them to ENT_PURGE_URL synchronously,
so that the editor's next page — anyone's — is already fresh.
"""

from Acquisition import aq_parent
from plone.cachepurging.hooks import KEY
from plone.cachepurging.interfaces import IPurger
from plone.dexterity.interfaces import IDexterityContent
from Products.CMFCore.interfaces import IContentish
from Products.CMFCore.interfaces import ISiteRoot
from z3c.caching.interfaces import IPurgePaths
from z3c.caching.purge import Purge
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.component import queryUtility
from zope.event import notify
from zope.interface import implementer
from ZPublisher.interfaces import IPubSuccess

import logging


logger = logging.getLogger("ent.caching")


def _paths(obj):
    prefix = "/" + obj.virtual_url_path()
    return [prefix, prefix + "/"]


@implementer(IPurgePaths)
@adapter(IDexterityContent)
class PagesAbove:
    """The pages that show an item besides its own: its folder, its school, the County home."""

    def __init__(self, context):
        self.context = context

    def getRelativePaths(self):
        from ent.policy.content.school import containing_school

        if ISiteRoot.providedBy(self.context):
            return _paths(self.context)
        paths = []
        parent = aq_parent(self.context)
        if parent is not None and not ISiteRoot.providedBy(parent):
            paths += _paths(parent)
        school = containing_school(self.context)
        if school is not None and school is not self.context:
            paths += _paths(school)
        site = self.context.restrictedTraverse("@@plone_portal_state").portal()
        return paths + _paths(site)

    def getAbsolutePaths(self):
        return []


def purge_item(obj, event=None):
    """Every change of a content item, whatever its type (plone.app.caching purges only
    the types listed in its registry record)."""
    from ent.policy.caching.config import current_config

    # No proxy (ENT_PURGE_URL unset): nothing to work out (a site's creation adds thousands).
    if current_config().purge_url and IContentish.providedBy(obj) and IDexterityContent.providedBy(obj):
        notify(Purge(obj))


@adapter(IPubSuccess)
def send_purges(event):
    from ent.policy.caching.config import current_config

    proxy = current_config().purge_url
    paths = (IAnnotations(event.request, None) or {}).get(KEY)
    if not proxy or not paths:
        return
    purger = queryUtility(IPurger)
    if purger is None:
        return
    for path in sorted(paths):
        status, _xcache, error = purger.purgeSync(proxy + ("" if path.startswith("/") else "/") + path)
        if status == "ERROR":
            logger.warning("purge of %s on %s failed: %s", path, proxy, (error or "").strip().splitlines()[-1:])
