"""Retention: closed cases past `ent.cases.retention_days` are purged, with a report;
a dry run deletes nothing. Through the function, `POST @cases-purge` and `ent-cases`."""

from cases.conftest import APPLICANT
from cases.conftest import HANDLER
from cases.conftest import make_accounts
from cases.conftest import make_source
from cases.conftest import PASSWORD
from cases.conftest import PDF
from ent.policy.cases.model import create_case
from ent.policy.cases.model import decide
from ent.policy.cases.purge import purge
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import datetime
import requests
import transaction


def three_cases(portal):
    """An accepted case, a refused one (with an attachment), an open one."""
    source = make_source(portal)
    made = []
    for child in ("Anne", "Bruno", "Chloé"):
        with api.env.adopt_user(username=APPLICANT):
            made.append(
                create_case(
                    "aid",
                    source,
                    api.user.get_current(),
                    [("child", "Enfant", child)],
                    [("proof", "Justificatif", "avis.pdf", PDF, "application/pdf")],
                )
            )
    with api.env.adopt_user(username=HANDLER):
        decide(made[0], "accept")
        decide(made[1], "refuse", "Hors délai.")
    return made


def later(days):
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)


def test_purge_deletes_closed_cases_past_retention_only(cases_site):
    accepted, refused, open_case = three_cases(cases_site)
    folder = cases_site["dossiers"]["aides"]
    assert purge(cases_site, now=later(300))["cases"] == 0
    report = purge(cases_site, now=later(366), dry_run=True)
    assert report["dry_run"] is True and report["cases"] == 2 and report["attachments"] == 2
    assert sorted(report["references"]) == sorted([accepted.reference, refused.reference])
    assert report["by_state"] == {"Acceptée": 1, "Refusée": 1}
    assert len(folder.objectIds()) == 3
    report = purge(cases_site, now=later(366))
    assert report["cases"] == 2 and "supprimés" in report["summary"]
    assert list(folder.objectIds()) == [open_case.getId()]
    assert not api.portal.get_tool("portal_catalog").unrestrictedSearchResults(UID=api.content.get_uuid(refused))
    # The setting decides.
    api.portal.set_registry_record("ent.cases.retention_days", 30)
    with api.env.adopt_user(username=HANDLER):
        decide(open_case, "accept")
    assert purge(cases_site, now=later(31), dry_run=True)["references"] == [open_case.reference]


def test_rest_and_command(functional_portal, capsys, monkeypatch):
    from ent.server.commands.cases import main

    make_accounts()
    three_cases(functional_portal)
    transaction.commit()
    url = functional_portal.absolute_url()
    refused = requests.post(
        f"{url}/@cases-purge",
        json={"dry_run": True},
        auth=(HANDLER, PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert refused.status_code in (401, 403)
    answer = requests.post(
        f"{url}/@cases-purge",
        json={"dry_run": True},
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 200 and answer.json()["cases"] == 0 and answer.json()["dry_run"] is True
    api.portal.set_registry_record("ent.cases.retention_days", 1)
    transaction.commit()
    monkeypatch.setenv("ENT_PASSWORD", SITE_OWNER_PASSWORD)
    # Closed a moment ago: nothing yet to purge with one day's retention; the dry run says so.
    assert main(["purge", "--dry-run", "--url", url, "--user", SITE_OWNER_NAME]) == 0
    assert "0 dossier(s)" in capsys.readouterr().out
    assert main(["purge", "--url", url, "--user", HANDLER]) == 2
    assert "may not purge" in capsys.readouterr().err
