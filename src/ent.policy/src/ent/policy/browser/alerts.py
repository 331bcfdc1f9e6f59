"""The alert banner: the site's current announcements, on every page, for their audience."""

from ent.policy.content.announcement import SEVERITIES
from ent.policy.feed import current_alerts
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class AlertsViewlet(ViewletBase):
    index = ViewPageTemplateFile("templates/alerts.pt")

    def update(self):
        super().update()
        self.alerts = list(current_alerts(self.context))

    def css_class(self, alert) -> str:
        severity = alert.severity if alert.severity in SEVERITIES else "warning"
        return f"alert alert-{severity} ent-alert mb-2"

    def render(self):
        return self.index() if self.alerts else ""
