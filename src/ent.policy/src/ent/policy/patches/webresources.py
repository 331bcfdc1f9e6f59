"""The hash of each script and style sheet worked out once a minute, not at every page.

Plone names its bundles in a page by a hash of their content (`++webresource++<uuid of the
sha384>/…`, and the `integrity` attribute of scripts): Products.CMFPlone's resource viewlets
build new `webresource` objects at every request, and each one reads its file again through
traversal (`get_resource`) and hashes it. On an ENT page that is six files, 6 % of a
parent's news item (docs/caching.md, "Measures").

`install()` keeps each hash for `TTL` seconds per (site, file, hash algorithm, time of the
resource registry's last change). A bundle changed through the resource registry's control
panel changes that time, so its new hash is used at once; a file changed another way (a new
release: a restart; a through-the-web theme or override) shows its new hash within `TTL`
seconds. Meanwhile the old address serves the new file (`++webresource++` ignores the uuid
when traversing), so nothing breaks. Resources that are views (`@@custom.css`, built from
the registry at each request) are hashed as before.
"""

from ent.policy.interfaces import IEntPolicyLayer
from plone.registry.interfaces import IRegistry
from Products.CMFPlone.resources.browser.resource import _RESOURCE_REGISTRY_MTIME
from Products.CMFPlone.resources.webresource import PloneBaseResource
from time import monotonic
from webresource.resources import Resource
from zope.component import queryUtility
from zope.component.hooks import getSite
from zope.globalrequest import getRequest

import threading
import webresource


#: Seconds a hash is kept.
TTL = 60

_hashes = {}
_lock = threading.Lock()
_upstream = None


def cache_key(resource):
    """The key of `resource`'s hash, or None when it must be worked out each time."""
    if webresource.config.development or not resource.resource or "@@" in resource.resource:
        return None
    site = getSite()
    request = getRequest()
    if site is None or request is None or not IEntPolicyLayer.providedBy(request):
        return None  # not an ENT site (another Plone site of the same Zope hashes as Plone)
    registry = queryUtility(IRegistry)
    changed = getattr(registry, _RESOURCE_REGISTRY_MTIME, None)
    return (site.getPhysicalPath(), resource.file_name, resource.hash_algorithm, changed)


def file_hash(self):
    if self._file_hash is not None and not webresource.config.development:
        return self._file_hash
    key = cache_key(self)
    if key is None:
        return _upstream.fget(self)
    now = monotonic()
    found = _hashes.get(key)
    if found is not None and found[0] > now:
        self._file_hash = found[1]
        return found[1]
    value = _upstream.fget(self)
    with _lock:
        if len(_hashes) > 1000:  # registry changes leave old keys behind: start afresh
            _hashes.clear()
        _hashes[key] = (now + TTL, value)
    return value


def install():
    global _upstream
    if _upstream is not None:
        return
    _upstream = Resource.file_hash
    PloneBaseResource.file_hash = property(file_hash, _upstream.fset)
