"""The ENT speaks the site's one language (French) to every browser.

Plone negotiates each translation domain against the browser's Accept-Language: on this
French-only site a browser set to English got French pages, yet English dates from the
`plonelocales` catalogue ("Dec 13, 2026 09:00 AM" in the events portlet), which has an
English translation. The site's language is the only choice.
"""

from ent.policy.interfaces import IEntPolicyLayer
from plone import api
from zope.component import adapter
from zope.i18n.interfaces import IUserPreferredLanguages
from zope.interface import implementer


CACHE_KEY = "ent.policy.language"


@implementer(IUserPreferredLanguages)
@adapter(IEntPolicyLayer)
class SiteLanguage:
    def __init__(self, request):
        self.request = request

    def getPreferredLanguages(self):
        # Asked for every string translated: the registry is read once per request.
        cache = getattr(self.request, "other", {})
        languages = cache.get(CACHE_KEY)
        if languages is None:
            languages = cache[CACHE_KEY] = [api.portal.get_registry_record("plone.default_language", default="fr")]
        return languages
