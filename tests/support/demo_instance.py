"""The demo site started as a user starts it (`make run`), with a known admin password, and
the demo accounts of docs/domain.md logged in through the site's own log-in form."""

from pathlib import Path
from support.instance_process import free_port
from support.instance_process import Instance

import requests
import secrets


DEMO_PASSWORD = "demo"

# The kinds of user the portal's pages are checked as (docs/domain.md, "The demo directory");
# `None` is an anonymous visitor, "admin" the instance's Zope administrator.
PEOPLE = {
    "anonymous": None,
    "parent": "0310001h.parent",
    "pupil": "0310001h.student",
    "teacher": "0310001h.teacher",
    "principal": "0310001h.principal",
    "county-agent": "county.agent",
    "county-admin": "county.admin",
}


class DemoInstance(Instance):
    def __init__(self, project: Path, folder: Path, **extra):
        self.admin_password = secrets.token_urlsafe(16)
        super().__init__(
            project,
            folder / "var",
            free_port(),
            ENT_ADMIN_PASSWORD=self.admin_password,
            ENT_DEMO="1",
            ENT_DEMO_PASSWORD=DEMO_PASSWORD,
            **extra,
        )

    def password(self, login: str) -> str:
        return self.admin_password if login == "admin" else DEMO_PASSWORD

    def session(self, login: str | None) -> requests.Session:
        """A requests session logged in as `login` through the log-in form (None: anonymous)."""
        session = requests.Session()
        if login is None:
            return session
        answer = session.post(
            f"{self.url}/login",
            data={
                "__ac_name": login,
                "__ac_password": self.password(login),
                "buttons.login": "Se connecter",
            },
            timeout=60,
        )
        assert "__ac" in session.cookies, f"{login} could not log in: {answer.status_code}"
        return session

    def event_log(self) -> str:
        path = self.var / "log" / "event.log"
        return path.read_text(errors="replace") if path.exists() else ""
