"""Log-in: say why a log-in failed when it is not a wrong password.

- "directory unavailable" (503 for `@login`) when the directory did not answer;
- "too many failed log-ins" (429) when the throttle refused the attempt (ent.policy.logins);
- a malformed login or password (not a string, empty, NUL, too long): 400 at once for
  `@login`; the form's usual "log-in failed".
"""

from ent.policy.directory.plugin import directory_unavailable
from ent.policy.logins.credentials import credentials_problem
from ent.policy.logins.throttle import REFUSED
from ent.policy.logins.throttle import refused_message
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services.auth.login import Login as RestLogin
from Products.CMFPlone.browser.login import login as plone_login
from Products.CMFPlone.browser.login.login import LoginForm as PloneLoginForm
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage

import math
import os


UNAVAILABLE_MESSAGE = "L'annuaire est momentanément indisponible : réessayez dans quelques minutes."


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


class Login(RestLogin):
    """POST @login, with 400 for malformed credentials, 429 while the throttle refuses,
    503 "Directory unavailable" when the directory did not answer."""

    def reply(self):
        try:
            data = json_body(self.request)
        except DeserializationError as error:
            return self.error(400, "Bad Request", str(error))
        if not isinstance(data, dict):
            return self.error(400, "Bad Request", "The body must be a JSON object with login and password.")
        if "login" in data and "password" in data:
            problem = credentials_problem(data["login"], data["password"], login_characters=False)
            if problem is not None:
                return self.error(400, "Bad Request", f"Invalid credentials: {problem}.")
        result = super().reply()
        if self.request.response.getStatus() == 401:
            refused = self.request.get(REFUSED)
            if refused:
                self.request.response.setHeader("Retry-After", str(max(1, math.ceil(refused))))
                return self.error(429, "Too many attempts", refused_message(refused))
            if directory_unavailable(self.request):
                self.request.response.setHeader("Retry-After", "60")
                return self.error(503, "Directory unavailable", "The directory is unavailable, try again later.")
        return result

    def error(self, status, kind, message):
        self.request.response.setStatus(status)
        return {"error": {"type": kind, "message": message}}
