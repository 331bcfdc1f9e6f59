"""The disk full under var/: the save that could not be written is told in French (507).

FileStorage refuses a transaction it cannot write whole (its tpc_vote truncates what it began
to write and raises): the database keeps its last committed state and stays readable. What the
person sees was Plone's generic error page; it now says that nothing was saved and why, and the
event log has the error as before. Any other OSError keeps Plone's own error page.
"""

from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from zope.component import getSiteManager
from zope.interface import implementedBy
from zope.interface import Interface
from zope.interface import providedBy

import errno
import json
import logging


logger = logging.getLogger("ent.policy.diskfull")
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
#: HTTP 507 Insufficient Storage: the server cannot store what the request asked to store.
STATUS = 507


def is_disk_full(error) -> bool:
    return isinstance(error, OSError) and error.errno in NO_SPACE


class DiskFullView(BrowserView):
    index = ViewPageTemplateFile("templates/disk_full.pt")

    def __call__(self):
        error = self.context
        if not is_disk_full(error):
            return self.plone_error_page()
        logger.error("no space left to save (%s): the request %s was not saved", error, self.request.get("URL"))
        self.context = self.__parent__
        # The form may have said "Modifications sauvegardées" before the commit failed: not so.
        IStatusMessage(self.request).show()
        self.request.response.setStatus(STATUS)
        self.request.response.setHeader("Retry-After", "600")
        if "text/html" not in self.request.getHeader("Accept", ""):
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps(
                {
                    "error_type": "InsufficientStorage",
                    "message": "Le serveur n'a plus de place pour enregistrer : rien n'a été enregistré. "
                    "Réessayez plus tard.",
                }
            )
        self.request.set("disable_border", True)
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        return self.index()

    def plone_error_page(self):
        """The view Plone registers for any exception (this one is only more specific)."""
        factory = getSiteManager().adapters.lookup(
            (implementedBy(Exception), providedBy(self.request)), Interface, "index.html"
        )
        view = factory(self.context, self.request)
        view.__parent__ = self.__parent__
        return view()
