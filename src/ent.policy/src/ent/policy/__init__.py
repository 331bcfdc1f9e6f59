"""Site policy of the ENT: the County portal and its collèges."""

# The `ent` domain's message factory (ent.policy.i18n), under its older import path too.
from ent.policy.i18n import _  # noqa: F401
