"""The dashboards: `@@stats` on the portal (County admins: every site, schools compared, top
sections; `?site=` one of them) and on a school (its principal and the County admins), with
the period selector, SVG charts drawn here and `@@stats.csv`. `@stats` (services/stats)
gives the same figures through the same `dashboard_figures`."""

from AccessControl import Unauthorized
from ent.policy import groups
from ent.policy.csvfiles import neutralised
from ent.policy.i18n import _
from ent.policy.stats import access
from ent.policy.stats import charts
from ent.policy.stats import store
from ent.policy.stats.collect import COUNTY
from ent.policy.stats.collect import PUBLIC
from ent.policy.stats.figures import figures
from ent.policy.stats.figures import period
from ent.policy.stats.figures import PeriodError
from ent.policy.stats.figures import PERIODS
from plone import api
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zExceptions import Forbidden
from zope.i18n import translate

import csv
import io


MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
PROFILE_LABELS = {**groups.PROFILE_TITLES, PUBLIC: _("Public (no account)"), "other": _("Other account")}


def site_of(context):
    """The site a dashboard is about: the school's UAI, else None (every site)."""
    return context.getId() if getattr(context, "portal_type", None) == "School" else None


def site_titles():
    titles = {COUNTY: _("County portal")}
    for brain in api.content.find(portal_type="School", unrestricted=True):
        titles[brain.getId] = brain.Title
    return titles


def section_title(container, section):
    if not section:
        return _("Home page")
    item = container.get(section) if container is not None else None
    # Every school's sections add up by id on the County's dashboard (agenda, documents…).
    return item.Title() if item is not None else section.replace("-", " ").capitalize()


def bucket_label(key):
    if len(key) == 7:
        return f"{MONTHS[int(key[5:]) - 1]} {key[2:4]}"
    return f"{int(key[8:])}/{key[5:7]}"


def month_label(key):
    return f"{MONTHS[int(key[5:]) - 1]} {key[:4]}"


def dashboard_figures(context, request):
    """The figures the request asks for, after the access rule; raises Unauthorized
    (anonymous), Forbidden (someone else's school) or BadRequest (a bad period)."""
    form = request.form
    site = site_of(context)
    if site is None and form.get("site"):
        site = str(form["site"]).strip().lower()
    user = api.user.get_current()
    if api.user.is_anonymous():
        raise Unauthorized(_("Log in to see the statistics."))
    if not access.may_view(user, site):
        raise Forbidden(_("These statistics are not open to you."))
    try:
        chosen = period(form.get("period"), form.get("start"), form.get("end"))
    except PeriodError as error:
        raise BadRequest(translate(error.args[0], context=request)) from None
    result = figures(store.default_path(), chosen, site)
    result["period"] = chosen.name
    titles = site_titles()
    container = api.portal.get()
    if site not in (None, COUNTY):
        container = container["colleges"].get(site) if "colleges" in container else None
    result["site_title"] = titles.get(site, site) if site else _("All sites")
    for row in result["profiles"]:
        row["title"] = PROFILE_LABELS.get(row["profile"], row["profile"])
    for row in result["sites"]:
        row["title"] = titles.get(row["site"], row["site"])
    for row in result["sections"]:
        # Every site's sections add up by name (actualites, agenda…): titled from the portal's.
        row["title"] = section_title(container, row["section"])
    for row in (result, *result["profiles"], *result["sites"], *result["sections"]):
        for key in ("title", "site_title"):
            if key in row:
                row[key] = translate(row[key], context=request)
    return result


class StatsView(BrowserView):
    def __call__(self):
        # The charts need the page's width: no portlet column beside them.
        self.request.set("disable_plone.rightcolumn", True)
        self.request.set("disable_plone.leftcolumn", True)
        self.error = None
        try:
            self.figures = dashboard_figures(self.context, self.request)
        except BadRequest as error:
            self.request.response.setStatus(400)
            self.error = error.args[0]
            self.figures = None
        return self.index()

    @property
    def is_county(self):
        return site_of(self.context) is None

    def schools(self):
        titles = {key: translate(title, context=self.request) for key, title in site_titles().items()}
        return sorted(titles.items(), key=lambda item: (item[0] != COUNTY, item[1]))

    def query_string(self):
        keep = ("period", "start", "end", "site")
        from urllib.parse import urlencode

        return urlencode({key: self.request.form[key] for key in keep if self.request.form.get(key)})

    def series_chart(self):
        points = [(p["period"], p["views"], p["visits"]) for p in self.figures["series"]]
        title = (
            _("Page views and visits per month")
            if self.figures["by"] == "month"
            else _("Page views and visits per day")
        )
        return charts.columns(points, self.translate(title), label=bucket_label)

    def profiles_chart(self):
        return charts.bars(
            [(r["title"], r["views"]) for r in self.figures["profiles"]], self.translate(_("Page views per profile"))
        )

    def sites_chart(self):
        return charts.bars(
            [(r["title"], r["views"]) for r in self.figures["sites"][:15]], self.translate(_("Page views per site"))
        )

    def sections_chart(self):
        return charts.bars(
            [(r["title"], r["views"]) for r in self.figures["sections"]], self.translate(_("Most viewed sections"))
        )

    def people(self):
        return [{"label": month_label(entry["month"]), "people": entry["people"]} for entry in self.figures["people"]]

    def translate(self, message):
        return translate(message, context=self.request)

    def period_choices(self):
        return [(name, self.translate(label)) for name, label in PERIODS]

    @staticmethod
    def number(value):
        return charts.number(value)

    def bucket_label(self, key):
        return bucket_label(key)


class StatsCSV(BrowserView):
    """The period's figures as CSV (UTF-8 with BOM, `;`: what a French spreadsheet opens)."""

    def __call__(self):
        try:
            result = dashboard_figures(self.context, self.request)
        except BadRequest as error:
            self.request.response.setStatus(400)
            return error.args[0]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["tableau", "clé", "libellé", "pages vues", "visites", "personnes distinctes"])
        for point in result["series"]:
            writer.writerow(
                [result["by"], point["period"], bucket_label(point["period"]), point["views"], point["visits"], ""]
            )
        for entry in result["people"]:
            writer.writerow(["personnes", entry["month"], bucket_label(entry["month"]), "", "", entry["people"]])
        for name, key in (("profil", "profile"), ("site", "site"), ("rubrique", "section")):
            for row in result[key + "s"]:
                # Section ids and titles are editors' text: never a formula in a spreadsheet.
                writer.writerow(
                    [name, neutralised(row[key]), neutralised(row["title"]), row["views"], row["visits"], ""]
                )
        name = f"statistiques-{result['site'] or 'tous'}-{result['start']}-{result['end']}.csv"
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
        return "\ufeff" + out.getvalue()
