"""The demo's collaborative spaces (issue 14): the cooks' recipe exchange, the principals'
space with the County, and a space for a school's teachers. Only for ENT_DEMO sites."""

from ent.policy.content.school import find_school_by_uai
from ent.policy.demo import as_user
from ent.policy.groups import COUNTY_EDITORS
from ent.policy.groups import county_group
from ent.policy.groups import school_group
from ent.policy.workspaces.content import SPACES_FOLDER
from ent.policy.workspaces.content import WORKSPACE_TYPE
from ent.policy.workspaces.demo_posts import add_demo_posts
from ent.policy.workspaces.membership import _principal
from ent.policy.workspaces.membership import EDITOR
from ent.policy.workspaces.membership import MANAGER
from ent.policy.workspaces.membership import MEMBER
from ent.policy.workspaces.membership import roster
from ent.policy.workspaces.membership import set_roster_entry
from plone import api

import logging


logger = logging.getLogger("ent.policy.workspaces")

COUNTY_AGENT = "county.agent"
DEMO_SCHOOL = "0310001H"


def specs():
    """(place: None for the County portal or a UAI, id, title, description, roster)."""
    principal = f"{DEMO_SCHOOL.lower()}.principal"
    return (
        (
            None,
            "echange-de-recettes",
            "Échange de recettes",
            "Les agents des collèges et le Département partagent leurs recettes de restauration scolaire.",
            {county_group("attee"): MEMBER, COUNTY_EDITORS: EDITOR, COUNTY_AGENT: MANAGER},
        ),
        (
            None,
            "direction-des-colleges",
            "Direction des collèges",
            "Les chefs d'établissement et les agents du Département travaillent ensemble.",
            {county_group("principal"): MEMBER, county_group("county"): EDITOR, COUNTY_AGENT: MANAGER},
        ),
        (
            DEMO_SCHOOL,
            "salle-des-professeurs",
            "Salle des professeurs",
            "L'espace des enseignants du collège : progressions, sorties, documents partagés.",
            {school_group(DEMO_SCHOOL, "teacher"): MEMBER, principal: MANAGER},
        ),
    )


def create_spaces_demo(portal):
    """Create the demo spaces that do not exist yet; returns them (new and existing)."""
    spaces = []
    for uai, space_id, title, description, entries in specs():
        place = portal
        if uai is not None:
            brain = find_school_by_uai(uai)
            if brain is None:
                continue
            place = brain._unrestrictedGetObject()
        folder = place.get(SPACES_FOLDER)
        if folder is None:
            continue
        space = folder.get(space_id)
        if space is None:
            # Made by the place's editor (the County's agent, the school's principal), as a
            # real one is: its creator, signed by them; the admin who installs the demo when
            # the directory lacks them (the test layer).
            editor = "county.agent" if uai is None else f"{uai.lower()}.principal"
            with as_user(editor), api.env.adopt_roles(["Manager"]):
                space = api.content.create(
                    container=folder, type=WORKSPACE_TYPE, id=space_id, title=title, description=description
                )
            # The roster is the demo's, not whoever installs it.
            for principal_id in roster(space):
                if principal_id not in entries:
                    set_roster_entry(space, principal_id, None)
            for principal_id, role in entries.items():
                # A directory without the account (the test layer) keeps the groups.
                if _principal(principal_id) is not None:
                    set_roster_entry(space, principal_id, role)
        spaces.append(space)
    add_demo_posts(spaces)
    return spaces
