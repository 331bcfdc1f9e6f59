"""@@login-locks: the log-in locks of the site, for its administrators, with a button to lift each."""

from .locks import current_locks
from .locks import KINDS
from .locks import lift_lock
from .locks import LockRequestError
from ent.policy.i18n import _
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage


class LoginLocksView(BrowserView):
    kinds = KINDS

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.lift(self.request.form.get("kind"), self.request.form.get("value"))
            self.request.response.redirect(f"{self.context.absolute_url()}/@@login-locks")
            return ""
        return self.index()

    def lift(self, kind, value):
        status = IStatusMessage(self.request)
        try:
            lifted = lift_lock(self.context, kind, value)
        except LockRequestError as error:
            status.add(str(error), "error")
            return
        if lifted:
            status.add(_("Block lifted for ${kind} ${value}.", mapping={"kind": KINDS[kind], "value": value}), "info")
        else:
            status.add(_("No failed log-in recorded for ${value}.", mapping={"value": value}), "warning")

    def locks(self):
        return current_locks(self.context)
