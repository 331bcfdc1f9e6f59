"""Log-in: say "directory unavailable" when the directory did not answer, not "wrong password"."""
from ent.policy.directory.plugin import directory_unavailable
from plone.restapi.services.auth.login import Login as RestLogin
from Products.CMFPlone.browser.login import login as plone_login
from Products.CMFPlone.browser.login.login import LoginForm as PloneLoginForm
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage

import os


UNAVAILABLE_MESSAGE = "L'annuaire est momentanément indisponible : réessayez dans quelques minutes."


class LoginForm(PloneLoginForm):
    # Plone's own template: only the messages change.
    index = ViewPageTemplateFile("templates/login.pt", _prefix=os.path.dirname(plone_login.__file__))

    def update(self):
        super().update()
        if directory_unavailable(self.request):
            status = IStatusMessage(self.request)
            kept = [m for m in status.show() if m.type != "error"]
            for message in kept:
                status.add(message.message, message.type)
            status.add(UNAVAILABLE_MESSAGE, "error")


class Login(RestLogin):
    """POST @login: 503 "Directory unavailable" when the directory did not answer."""

    def reply(self):
        result = super().reply()
        if self.request.response.getStatus() == 401 and directory_unavailable(self.request):
            self.request.response.setStatus(503)
            self.request.response.setHeader("Retry-After", "60")
            return {"error": {"type": "Directory unavailable", "message": "The directory is unavailable, try again later."}}
        return result
