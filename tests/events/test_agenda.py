"""The agendas: the County's and each school's with the County's broadcasts, by date and by
category, and their iCal feeds; each holds only what its reader may view."""

from conftest import agenda_page
from conftest import agenda_titles
from conftest import as_user
from conftest import other
from conftest import own
from conftest import view
from ent.policy.agenda import AGENDA_VIEW
from ent.policy.agenda import set_agenda_views
from ent.policy.agenda import subscriber
from ent.policy.agenda import SUBSCRIPTION_RING
from ent.policy.agenda import subscription_token
from ent.policy.categories import CATEGORIES
from plone import api
from plone.keyring.interfaces import IKeyManager
from zExceptions import NotFound
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

import icalendar
import pytest


COUNTY_PUBLIC = ["Stage des enseignants", "Tournoi de tous les collèges", "Festival public"]


class TestCategories:
    def test_vocabulary_index_and_behavior(self, site):
        vocabulary = getUtility(IVocabularyFactory, "ent.policy.event_categories")(site)
        assert [(t.value, t.title) for t in vocabulary] == list(CATEGORIES)
        assert vocabulary.getTerm("citoyennete").title == "Citoyenneté"
        with api.env.adopt_roles(["Manager"]):
            found = api.content.find(portal_type="Event", event_category="sport")
            assert [b.Title for b in found] == ["Tournoi de tous les collèges"]
            assert found[0].event_category == ["sport"]
            assert "ent.event_category" in site.portal_types["Event"].behaviors


class TestCountyAgenda:
    def test_is_the_view_of_culture_loisirs(self, site):
        assert site["culture-loisirs"].getLayout() == AGENDA_VIEW
        as_user(site, None)
        upcoming, past = agenda_titles(site["culture-loisirs"])
        assert upcoming == ["Tournoi de tous les collèges", "Festival public"]
        assert past == ["Forum passé"]

    def test_a_teacher_also_reads_what_is_meant_for_teachers(self, site):
        as_user(site, f"{own}.teacher")
        upcoming, _past = agenda_titles(site["culture-loisirs"])
        assert upcoming == COUNTY_PUBLIC
        as_user(site, None)
        upcoming, past = agenda_titles(site["culture-loisirs"], category="culture")
        assert (upcoming, past) == (["Festival public"], [])
        tree = agenda_page(site["culture-loisirs"], category="culture")
        current = tree.cssselect(".ent-agenda-filter a[aria-current=page]")
        assert [a.text_content().strip() for a in current] == ["Culture"]
        as_user(site, None)
        upcoming, _past = agenda_titles(site["culture-loisirs"], category="<script>")
        assert upcoming == ["Tournoi de tous les collèges", "Festival public"]
        as_user(site, "county.agent")
        tree = agenda_page(site["culture-loisirs"])
        drafts = [e for e in tree.cssselect(".ent-agenda-event") if "(brouillon)" in e.text_content()]
        assert [e.cssselect("h3 a")[0].text_content() for e in drafts] == ["Brouillon du Département"]


class TestSchoolAgenda:
    def test_a_parent_reads_the_school_events_and_the_county_broadcasts_to_it(self, site):
        assert site["colleges"][own]["agenda"].getLayout() == AGENDA_VIEW
        as_user(site, f"{own}.parent")
        upcoming, _past = agenda_titles(site["colleges"][own]["agenda"])
        assert upcoming == [
            "Soirée des parents d'Aspet",
            "Réunion des parents d'Aspet",
            "Tournoi de tous les collèges",
            "Portes ouvertes d'Aspet",
        ]
        tree = agenda_page(site["colleges"][own]["agenda"])
        broadcasts = [
            e.cssselect("h3 a")[0].text_content()
            for e in tree.cssselect(".ent-agenda-event")
            if e.cssselect(".ent-agenda-broadcast")
        ]
        assert broadcasts == ["Soirée des parents d'Aspet", "Tournoi de tous les collèges"]

    def test_the_other_school_never_shows_a_broadcast_to_the_first_one_s_parents(self, site):
        as_user(site, f"{other}.parent")
        upcoming, _past = agenda_titles(site["colleges"][other]["agenda"])
        assert upcoming == ["Réunion des parents d'Aurignac", "Tournoi de tous les collèges"]
        # Nor the first school's agenda, read by the other school's parent.
        upcoming, _past = agenda_titles(site["colleges"][own]["agenda"])
        assert upcoming == ["Tournoi de tous les collèges", "Portes ouvertes d'Aspet"]
        as_user(site, None)
        upcoming, _past = agenda_titles(site["colleges"][own]["agenda"])
        assert upcoming == ["Tournoi de tous les collèges", "Portes ouvertes d'Aspet"]
        # A County event for teachers (no school chosen) is for every school's teachers;
        # one for everyone (no school chosen) stays on the County's agenda.
        for uai in (own, other):
            as_user(site, f"{uai}.teacher")
            upcoming, _past = agenda_titles(site["colleges"][uai]["agenda"])
            assert "Stage des enseignants" in upcoming and "Festival public" not in upcoming
        agenda = site["colleges"][own]["agenda"]
        agenda.setLayout("event_listing")
        set_agenda_views(site)
        assert agenda.getLayout() == AGENDA_VIEW


def feed(context, **form):
    context.REQUEST.form.clear()
    context.REQUEST.form.update(form)
    calendar = icalendar.Calendar.from_ical(view(context, "agenda.ics")())
    return sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))


class TestICal:
    def test_the_public_feed_of_a_school_holds_its_public_events_and_broadcasts(self, site):
        as_user(site, None)
        agenda = site["colleges"][own]["agenda"]
        assert feed(agenda) == ["Portes ouvertes d'Aspet", "Tournoi de tous les collèges"]
        assert agenda.REQUEST.response.getHeader("Content-Type").startswith("text/calendar")
        as_user(site, None)
        assert feed(site["culture-loisirs"]) == ["Festival public", "Forum passé", "Tournoi de tous les collèges"]
        assert feed(site["culture-loisirs"], category="sport") == ["Tournoi de tous les collèges"]

    def test_a_personal_subscription_holds_what_its_person_may_view(self, site):
        as_user(site, None)  # a calendar application: no cookie
        agenda = site["colleges"][own]["agenda"]
        token = subscription_token(f"{own}.parent")
        assert feed(agenda, token=token) == [
            "Portes ouvertes d'Aspet",
            "Réunion des parents d'Aspet",
            "Soirée des parents d'Aspet",
            "Tournoi de tous les collèges",
        ]
        assert "private" in agenda.REQUEST.response.getHeader("Cache-Control")
        # The other school's parent, on this agenda: no event meant for this school's parents.
        assert feed(agenda, token=subscription_token(f"{other}.parent")) == [
            "Portes ouvertes d'Aspet",
            "Tournoi de tous les collèges",
        ]
        as_user(site, None)
        agenda = site["colleges"][own]["agenda"]
        token = subscription_token(f"{own}.teacher")
        for forged in (
            f"{own}.parent:{token.rsplit(':', 1)[1]}",
            token[:-1] + ("1" if token.endswith("0") else "0"),
            f"{own}.parent",
            "x",
        ):
            with pytest.raises(NotFound):
                feed(agenda, token=forged)
        as_user(site, None)
        agenda = site["colleges"][own]["agenda"]
        tree = agenda_page(agenda)
        webcal = tree.cssselect("a.ent-agenda-webcal")[0].get("href")
        assert webcal.startswith("webcal://") and webcal.endswith("/colleges/0310001h/agenda/agenda.ics")
        assert not tree.cssselect(".ent-agenda-personal-url")
        as_user(site, f"{own}.parent")
        personal = agenda_page(agenda).cssselect(".ent-agenda-personal-url")[0].get("value")
        assert personal.endswith("?token=" + subscription_token(f"{own}.parent").replace(":", "%3A"))
        # Plone's weekly rotation of its own keyring leaves subscriptions alone; rotating
        # theirs revokes them.
        token = subscription_token(f"{own}.parent")
        keys = getUtility(IKeyManager)
        keys.rotate("_system")
        assert subscriber(token).getId() == f"{own}.parent"
        keys.rotate(SUBSCRIPTION_RING)
        assert subscriber(token) is None
