"""A site's news listing: the school's news and the County's broadcasts to it (ent.policy.feed)."""

from ent.policy.dates import french_date
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from ent.policy.feed import site_items
from plone.batching import Batch
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


PAGE_SIZE = 20


class SiteNewsView(BrowserView):
    """The news of the site the folder belongs to, newest first, 20 a page."""

    def __call__(self):
        try:
            b_start = max(int(self.request.form.get("b_start", 0)), 0)
        except ValueError:
            b_start = 0
        self.titles = school_titles()
        self.batch = Batch(site_items(self.context, b_start=b_start, b_size=PAGE_SIZE), PAGE_SIZE, b_start)
        return self.index()

    def entry(self, brain):
        return {
            "url": brain.getURL(),
            "title": brain.Title,
            "description": brain.Description,
            "origin": brain.origin,
            "origin_title": origin_title(brain.origin, self.titles),
            "date": french_date(brain.effective),
            "state": brain.review_state,
        }

    def page_url(self, b_start):
        base = f"{self.context.absolute_url()}/@@ent-news"
        return f"{base}?{urlencode({'b_start': b_start})}" if b_start else base
