"""POST @login: plone.restapi's, saying why a log-in failed when it is not a wrong password.

- "Directory unavailable" (503) when the directory did not answer;
- "Too many attempts" (429) when the throttle refused the attempt (ent.policy.logins);
- a malformed login or password (not a string, empty, NUL, too long): 400 at once.
"""

from ent.policy.directory.plugin import directory_unavailable
from ent.policy.logins.credentials import credentials_problem
from ent.policy.logins.throttle import REFUSED
from ent.policy.logins.throttle import refused_message
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services.auth.login import Login as RestLogin

import math


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
