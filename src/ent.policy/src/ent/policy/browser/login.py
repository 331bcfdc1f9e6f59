"""The log-in form: say why a log-in failed when it is not a wrong password.

- "directory unavailable" when the directory did not answer;
- "too many failed log-ins" when the throttle refused the attempt (ent.policy.logins);
- a malformed login or password (not a string, empty, NUL, too long): the form's usual
  "log-in failed".

`@login` says the same in REST: services/login/post.py.
"""

from ent.policy.directory.plugin import directory_unavailable
from ent.policy.i18n import _
from ent.policy.logins.throttle import REFUSED
from ent.policy.logins.throttle import refused_message
from Products.CMFPlone.browser.login import login as plone_login
from Products.CMFPlone.browser.login.login import LoginForm as PloneLoginForm
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage

import os


UNAVAILABLE_MESSAGE = _("The directory is unavailable for the moment: try again in a few minutes.")


class LoginForm(PloneLoginForm):
    # Plone's own template: only the messages change.
    index = ViewPageTemplateFile("templates/login.pt", _prefix=os.path.dirname(plone_login.__file__))

    def update(self):
        super().update()
        refused = self.request.get(REFUSED)
        if refused:
            self.replace_error(refused_message(refused))
        elif directory_unavailable(self.request):
            self.replace_error(UNAVAILABLE_MESSAGE)

    def replace_error(self, text):
        """Show `text` instead of Plone's "log-in failed" (which would say: wrong password)."""
        status = IStatusMessage(self.request)
        kept = [m for m in status.show() if m.type != "error"]
        for message in kept:
            status.add(message.message, message.type)
        status.add(text, "error")
