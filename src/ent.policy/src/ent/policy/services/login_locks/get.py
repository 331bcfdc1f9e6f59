"""GET @login-locks: the accounts and addresses refused now, and for how long."""

from ent.policy.logins.locks import current_locks
from plone.restapi.services import Service


class LoginLocksGet(Service):
    def reply(self):
        return {"items": current_locks(self.context)}
