"""1002 → 1003 (issue #9): the log-in throttle and the tokens that end with the account;
the links stored before they were checked; the keywords vocabulary of what the reader may
see."""

from ent.policy.hardening.links import clear_unsafe_links
from ent.policy.logins.setup import upgrade_logins
from ent.policy.vocabularies.keywords import register_keywords_vocabulary


__all__ = ["clear_unsafe_links", "register_keywords_vocabulary", "upgrade_logins"]
