"""Cases: making one (`create_case`), what it refuses, deciding it (`decide`), its history."""

from AccessControl import Unauthorized
from cases.conftest import APPLICANT
from cases.conftest import HANDLER
from cases.conftest import OTHER_PARENT
from cases.conftest import PDF
from cases.conftest import staged
from ent.policy.cases.model import CaseRefused
from ent.policy.cases.model import create_case
from ent.policy.cases.model import decide
from ent.policy.cases.model import history
from plone import api

import datetime
import pytest
import transaction


ANSWERS = [
    ("child", "Enfant", "Léa Martin"),
    ("birth", "Date de naissance", datetime.date(2013, 5, 4)),
    ("needs", "Besoins", ["cantine", "transport"]),
]


def submit(
    source,
    login=APPLICANT,
    answers=ANSWERS,
    attachments=(("proof", "Justificatif", "avis.pdf", PDF, "application/pdf"),),
):
    with api.env.adopt_user(username=login):
        return create_case("aid", source, api.user.get_current(), answers, attachments, school="0310001H")


def cases_in(portal):
    return list(portal["dossiers"]["aides"].objectIds())


class TestCreateCase:
    def test_stores_answers_and_attachments_for_its_applicant(self, cases_site, source, mail_dir):
        case = submit(source)
        year = datetime.date.today().year
        assert case.reference == f"A-{year}-00001"
        assert case.getId() == f"a-{year}-00001"
        assert case.aq_parent.getId() == "aides"
        assert [a[2] for a in case.answers] == ["Léa Martin", datetime.date(2013, 5, 4), ("cantine", "transport")]
        stored = case.attachments["proof"]
        assert stored["file"].data == PDF and stored["content_type"] == "application/pdf"
        assert "Owner" in case.get_local_roles_for_userid(APPLICANT)
        assert api.content.get_state(case) == "received"
        brain = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(case_applicant=APPLICANT)[0]
        assert (brain.case_reference, brain.case_school, brain.case_kind) == (case.reference, "0310001H", "aid")
        assert brain.case_source_title == source.Title() and brain.case_applicant_name == "Camille Martin"
        [mail] = staged(mail_dir)
        assert f"Votre demande n° {case.reference} a bien été reçue" in mail
        assert case.absolute_url() in mail

    @pytest.mark.parametrize(
        "filename, data, says",
        [
            ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "type accepté"),
            ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "type accepté"),
            ("dessin.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "type accepté"),
            ("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "taille autorisée (5 Mo"),
        ],
    )
    def test_refuses_bad_attachments_storing_nothing(self, cases_site, source, mail_dir, filename, data, says):
        attachments = (
            ("proof", "Justificatif", "avis.pdf", PDF, "application/pdf"),
            ("other", "Autre", filename, data, "application/pdf"),
        )
        with pytest.raises(CaseRefused) as refused:
            submit(source, attachments=attachments)
        assert says in str(refused.value) and filename in str(refused.value)
        assert cases_in(cases_site) == []
        assert staged(mail_dir) == []

    def test_a_second_identical_request_within_a_minute_is_refused(self, cases_site, source, mail_dir):
        submit(source)
        with pytest.raises(CaseRefused) as refused:
            submit(source)
        assert "Une demande identique vient d'être envoyée" in str(refused.value)
        assert len(cases_in(cases_site)) == 1
        assert len(staged(mail_dir)) == 1
        # Other answers, or another person: a new case.
        submit(source, answers=[*ANSWERS[:2], ("needs", "Besoins", ["cantine"])])
        submit(source, login=OTHER_PARENT)
        assert len(cases_in(cases_site)) == 3

    def test_no_mail_for_a_case_not_stored(self, cases_site, source, mail_dir):
        """The mail is staged with the case: if the transaction fails later, both go."""
        submit(source)
        assert len(staged(mail_dir)) == 1
        transaction.abort()
        assert staged(mail_dir) == []
        assert cases_in(cases_site) == []

    def test_the_applicant_may_read_it_not_change_it(self, cases_site, source):
        """Nothing an applicant sent is edited, shared or deleted afterwards (and so they
        get no back office on their case)."""
        case = submit(source)
        with api.env.adopt_user(username=APPLICANT):
            assert api.user.has_permission("View", obj=case)
            for permission in (
                "Modify portal content",
                "Add portal content",
                "Delete objects",
                "Sharing page: Delegate roles",
                "Change local roles",
            ):
                assert not api.user.has_permission(permission, obj=case), permission


class TestDecide:
    def test_only_handlers_decide(self, cases_site, source):
        case = submit(source)
        for login in (APPLICANT, OTHER_PARENT):
            with api.env.adopt_user(username=login), pytest.raises(Unauthorized):
                decide(case, "accept")
        assert api.content.get_state(case) == "received"

    def test_a_refusal_needs_its_reason(self, cases_site, source, mail_dir):
        case = submit(source)
        with api.env.adopt_user(username=HANDLER):
            for reason in ("", "   "):
                with pytest.raises(CaseRefused) as refused:
                    decide(case, "refuse", reason)
                assert "motif" in str(refused.value)
            # Also through the workflow tool, as @workflow and content_status_modify do.
            with pytest.raises(CaseRefused):
                api.portal.get_tool("portal_workflow").doActionFor(case, "refuse", comment="")
            assert api.content.get_state(case) == "received"
            decide(case, "review")
            decide(case, "refuse", "Quotient familial au-dessus du plafond.")
        assert api.content.get_state(case) == "refused"
        mails = staged(mail_dir)
        assert len(mails) == 3
        assert "est refusée" in mails[-1] and "Quotient familial au-dessus du plafond." in mails[-1]

    def test_history_says_who_when_and_why(self, cases_site, source):
        case = submit(source)
        with api.env.adopt_user(username=HANDLER):
            decide(case, "review")
            decide(case, "refuse", "Dossier incomplet.")
            decide(case, "reopen")
            decide(case, "accept")
        steps = history(case)
        assert [s["state"] for s in steps] == ["received", "under_review", "refused", "under_review", "accepted"]
        assert [s["actor"] for s in steps] == [APPLICANT] + [HANDLER] * 4
        assert steps[2]["reason"] == "Dossier incomplet." and steps[2]["state_title"] == "Refusée"
        assert steps[1]["actor_name"] == "Agent Instructeur"
        assert all(isinstance(s["date"], datetime.datetime) for s in steps)
