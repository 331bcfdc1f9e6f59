"""Each person's choice: told at once (`immediate`), in the daily digest (`digest`, the
default) or never (`never`). Kept in the site (`store.preferences`), keyed by user id: not
a member property, which for directory users would cost a directory look-up per person.
"""

from .store import get_store

import time


IMMEDIATE = "immediate"
DIGEST = "digest"
NEVER = "never"
CHOICES = (IMMEDIATE, DIGEST, NEVER)
DEFAULT = DIGEST
TITLES = {
    IMMEDIATE: "Immédiatement, un courriel par publication",
    DIGEST: "Un résumé quotidien",
    NEVER: "Jamais",
}


class InvalidPreference(ValueError):
    """Not one of CHOICES; the message names the value."""


def check_choice(value) -> str:
    if value not in CHOICES:
        raise InvalidPreference(f"notifications={value!r} is not one of: {', '.join(CHOICES)}")
    return value


def get_preference(site, user_id) -> str:
    choice, _ = preference_and_time(site, user_id)
    return choice


def preference_and_time(site, user_id):
    """(choice, changed_at): changed_at is None for the default never chosen."""
    store = get_store(site)
    value = store.preferences.get(user_id) if store is not None else None
    return value if value is not None else (DEFAULT, None)


def set_preference(site, user_id, choice, now=None) -> str:
    """Record `user_id`'s choice; an unchanged choice writes nothing."""
    check_choice(choice)
    store = get_store(site, create=True)
    current = store.preferences.get(user_id)
    if current is not None and current[0] == choice:
        return choice
    if current is None and choice == DEFAULT:
        return choice
    store.preferences[user_id] = (choice, now if now is not None else time.time())
    return choice


class PreferenceReader:
    """Preferences of many people in one go (the worker, the digest): one BTree, no writes."""

    def __init__(self, site):
        store = get_store(site)
        self.tree = store.preferences if store is not None else {}

    def __call__(self, user_id):
        return self.tree.get(user_id) or (DEFAULT, None)

    def with_choice(self, choice):
        """Ids of the people who chose `choice` explicitly (small: most keep the default)."""
        return {user_id for user_id, (value, _) in self.tree.items() if value == choice}
