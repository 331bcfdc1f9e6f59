"""GET @login-locks: the accounts and addresses refused now, and for how long, the longest
wait first; batched (services/batching.py)."""

from ent.policy.logins.locks import current_locks
from ent.policy.services.batching import batched
from plone.restapi.services import Service


class LoginLocksGet(Service):
    def reply(self):
        return batched(self.request, current_locks(self.context))
