"""The "Événements à venir" portlet lists the events of the page's site, as its agenda does:
on a school's site its own and the County's broadcast to it, on the County portal the
County's (not every school's), as the reader may view them; its links go to that agenda."""

from conftest import as_user
from conftest import other
from conftest import own
from conftest import view
from plone.app.event.portlets.portlet_events import Assignment
from plone.portlets.interfaces import IPortletManager
from plone.portlets.interfaces import IPortletRenderer
from zope.component import getMultiAdapter
from zope.component import getUtility


def portlet(context):
    manager = getUtility(IPortletManager, name="plone.rightcolumn")
    assignment = Assignment(count=10, state=("published", "internal"))
    renderer = getMultiAdapter((context, context.REQUEST, view(context, "view"), manager, assignment), IPortletRenderer)
    renderer.update()
    return [event.title for event in renderer.events], renderer


def test_a_school_page_lists_its_events_and_the_county_broadcasts(site):
    as_user(site, f"{own}.parent")
    titles, renderer = portlet(site["colleges"][own])
    assert titles == [
        "Soirée des parents d'Aspet",
        "Réunion des parents d'Aspet",
        "Tournoi de tous les collèges",
        "Portes ouvertes d'Aspet",
    ]
    assert renderer.next_url == site["colleges"][own]["agenda"].absolute_url()
    assert renderer.prev_url.startswith(renderer.next_url + "#")


def test_another_school_lists_none_of_them(site):
    as_user(site, f"{other}.parent")
    titles, _renderer = portlet(site["colleges"][other]["agenda"])
    assert titles == ["Réunion des parents d'Aurignac", "Tournoi de tous les collèges"]


def test_the_county_portal_lists_the_county_events_only(site):
    as_user(site, None)
    titles, renderer = portlet(site)
    assert titles == ["Tournoi de tous les collèges", "Festival public"]
    assert renderer.next_url == site["culture-loisirs"].absolute_url()
