"""Site policy of the ENT: the County portal and its collèges."""

# The `ent` domain's message factory (ent.policy.i18n), under its older import path too.
from ent.policy.i18n import _  # noqa: F401
from ent.policy.patches import ast_compile
from ent.policy.patches import localroles
from ent.policy.patches import webresources


# Before any template is compiled: concurrent first renders could fail (CPython gh-106905).
ast_compile.install()
# One walk of the local roles per object and reader in a reading request (docs/caching.md).
localroles.install()
# The hash of each bundle's file once a minute, not at every page (docs/caching.md).
webresources.install()
