"""The pages: "Mes données" (`@@mes-donnees`, any logged-in person: what the ENT holds
about them, and the ZIP) and the administrators' screen (`@@gdpr-admin`: anyone's ZIP, the
erasure's dry run and run)."""

from .erasure import purge
from .erasure import retention_days
from .erasure import RetentionRefused
from .export import Export
from .export import export_person
from ent.policy.i18n import _
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage

import ldap


#: (key of the export's data, what it is for the person), in the page's order.
SUMMARY = (
    ("content", _("Pages, news, posts and files you created")),
    ("comments", _("Comments")),
    ("cases", _("Applications and requests (cases)")),
    ("form_submissions", _("Registrations sent through a form")),
    ("spaces", _("Collaborative spaces you are a member of")),
)


class MyDataView(BrowserView):
    """`@@mes-donnees`: the person's own data; `?download=1` gives the ZIP."""

    page_title = _("My data")

    def __call__(self):
        userid = api.user.get_current().getId()
        if self.request.form.get("download"):
            return export_person(userid).response_body(self.request.response)
        self.request.response.setHeader("Cache-Control", "private, no-store")
        self.export = Export(userid)
        return self.index()

    def summary(self):
        data = self.export.data
        return [{"label": label, "count": len(data.get(key) or ())} for key, label in SUMMARY]

    def account(self):
        return self.export.data.get("account") or {}

    def spaces(self):
        return self.export.data.get("spaces") or []

    def preference(self):
        from ent.policy.notifications.preferences import TITLES

        choice = (self.export.data.get("notification_preference") or {}).get("choice")
        return TITLES.get(choice, choice)

    def retention_days(self):
        return retention_days()


class GdprAdminView(BrowserView):
    """`@@gdpr-admin`: export anyone's data; preview or run the erasure of the people the
    directory deactivated more than the retention delay ago."""

    page_title = _("Personal data (GDPR)")
    report = None
    error = None

    def __call__(self):
        form = self.request.form
        self.request.response.setHeader("Cache-Control", "private, no-store")
        userid = form.get("userid")
        userid = userid.strip() if isinstance(userid, str) else ""
        if form.get("download") and userid:
            return export_person(userid).response_body(self.request.response)
        if form.get("preview") or form.get("run"):
            dry_run = not form.get("run")
            if not dry_run:
                if self.request.method != "POST":
                    dry_run = True
                else:
                    CheckAuthenticator(self.request)
            try:
                self.report = purge(api.portal.get(), dry_run=dry_run, retention=form.get("retention_days") or None)
            except RetentionRefused as refused:
                self.error = str(refused)
            except ldap.LDAPError:
                self.error = _("The directory does not answer: nothing was changed.")
            if self.report and not dry_run:
                IStatusMessage(self.request).add(self.report["summary"], type="info")
        return self.index()

    def retention_days(self):
        return retention_days()
