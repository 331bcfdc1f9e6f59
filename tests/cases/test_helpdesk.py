"""The help desk's setup (ent.policy.helpdesk) on the site's layer: the help centre as the
section's view, the support form for people logged in with its CreateCase action, an FAQ's
questions, a training session's registration form."""

from AccessControl.Permission import Permission
from ent.policy.helpdesk import create_help_desk
from ent.policy.helpdesk import create_registration_form
from ent.policy.helpdesk import faq_questions
from ent.policy.helpdesk import matching_questions
from ent.policy.helpdesk import registration_form
from plone import api
from plone.dexterity.utils import createContentInContainer

import datetime


FAQ = (
    "<p>Avant-propos.</p>"
    "<h2>Mot de passe oublié ?</h2><p>Adressez-vous au <strong>secrétariat</strong>.</p>"
    "<h3>Mot de passe oublié ?</h3><p>Une autre réponse.</p>"
    "<h2>Notifications</h2><ul><li>Chaque jour</li></ul>"
)


class TestSetup:
    def test_the_section_is_the_help_centre(self, portal):
        assert portal["aide-formation"].getLayout() == "help-centre"

    def test_support_form_for_people_logged_in_making_support_cases(self, portal):
        form = portal["aide-formation"]["demande-assistance"]
        assert form.portal_type == "EasyForm"
        assert api.content.get_state(obj=form) == "internal"
        assert "ent.policy.cases.action.CreateCase" in form.actions_model
        assert "<kind>support</kind>" in form.actions_model
        assert "View" not in [p["name"] for p in form.permissionsOfRole("Anonymous") if p["selected"]]

    def test_again_changes_nothing_an_administrator_chose(self, portal):
        section = portal["aide-formation"]
        section.setLayout("listing_view")
        create_help_desk(portal)
        assert section.getLayout() == "help-centre"
        section.setLayout("summary_view")
        create_help_desk(portal)
        assert section.getLayout() == "summary_view"
        assert [o.getId() for o in section.objectValues() if o.portal_type == "EasyForm"] == ["demande-assistance"]


class TestFAQ:
    def test_headings_are_questions_with_their_answers(self):
        questions = faq_questions(FAQ)
        assert [(q["anchor"], q["question"]) for q in questions] == [
            ("mot-de-passe-oublie", "Mot de passe oublié ?"),
            ("mot-de-passe-oublie-2", "Mot de passe oublié ?"),
            ("notifications", "Notifications"),
        ]
        assert "<strong>secrétariat</strong>" in questions[0]["answer"]
        assert "Avant-propos" not in "".join(q["answer"] for q in questions)

    def test_words_match_without_accents_and_by_their_start(self):
        questions = faq_questions(FAQ)
        assert [q["anchor"] for q in matching_questions(questions, "SECRETAR")] == ["mot-de-passe-oublie"]
        assert matching_questions(questions, "secrétariat quotidien") == []


class TestRegistration:
    def test_a_session_links_its_form_saving_registrations_for_editors(self, portal):
        with api.env.adopt_roles(["Manager"]):
            start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
            event = createContentInContainer(
                portal["aide-formation"],
                "Event",
                title="Formation ENT",
                start=start,
                end=start + datetime.timedelta(hours=3),
            )
            form = create_registration_form(event)
        assert registration_form(event) == form
        assert "collective.easyform.actions.SaveData" in form.actions_model
        readers = Permission("collective.easyform: Download Saved Input", (), form).getRoles()
        assert "Editor" in readers
        assert "Anonymous" not in readers
        assert isinstance(readers, tuple)  # not acquired: other forms keep easyform's rule
