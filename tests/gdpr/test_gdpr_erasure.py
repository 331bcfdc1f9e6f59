"""Erasure: a person the directory deactivated more than the retention delay ago is
anonymised — their name leaves what they wrote, their submissions and preferences go —
with a dry run and a report, twice without change; a negative delay is refused."""

from ent.policy.gdpr.erasure import purge
from ent.policy.gdpr.erasure import RetentionRefused
from ent.policy.gdpr.leavers import deactivated_people
from ent.policy.gdpr.leavers import Leaver
from ent.policy.gdpr.person import space_visits
from ent.policy.notifications.preferences import preference_and_time
from ent.policy.workspaces.membership import roster
from gdpr.conftest import OTHER
from gdpr.conftest import PERSON
from gdpr.conftest import PERSON_EMAIL
from gdpr.conftest import PERSON_NAME
from plone import api
from plone.app.discussion.interfaces import IConversation

import datetime
import pytest


NOW = datetime.datetime.now(datetime.UTC)


def leavers(person_days=100, other_days=10):
    """The person deactivated `person_days` ago, the other `other_days` ago."""
    return [
        Leaver(PERSON, PERSON_EMAIL, PERSON_NAME, NOW - datetime.timedelta(days=person_days)),
        Leaver(OTHER, "dominique@example.org", "Dominique Durand", NOW - datetime.timedelta(days=other_days)),
    ]


def state(portal, made):
    """What a user would check of the person's data, and of the other's."""
    catalog = api.portal.get_tool("portal_catalog")
    rows = list(made["form"]._inputStorage["inscriptions"].values())
    comment = IConversation(made["other_post"])[made["comment"]]
    other_comment = IConversation(made["post"])[made["other_comment"]]
    cases = catalog.unrestrictedSearchResults(portal_type="Case")
    return {
        "post_creators": made["post"].listCreators(),
        "by_person": len(catalog.unrestrictedSearchResults(Creator=PERSON)),
        "post_owner": made["post"].getOwnerTuple()[1],
        "post_history_actors": {e.get("actor") for entries in made["post"].workflow_history.values() for e in entries},
        "comment_author": (comment.author_username, comment.author_name, comment.author_email, comment.Creator()),
        "other_comment_author": other_comment.author_name,
        "cases": len(cases),
        "form_rows": sorted((row["email"], row.get("comments", "")) for row in rows),
        "preference": preference_and_time(portal, PERSON)[0],
        "other_preference": preference_and_time(portal, OTHER)[0],
        "roster": roster(made["space"]),
        "visits": len(space_visits(PERSON, portal)),
        "other_post_creators": made["other_post"].listCreators(),
    }


def test_anonymised_after_the_retention_delay_only(portal, person_data):
    before = state(portal, person_data)
    assert before["post_creators"] == (PERSON,) and before["cases"] == 1 and before["preference"] == "immediate"
    assert before["comment_author"][0] == PERSON and before["visits"] == 1

    # Before the delay (92 days by default): nothing to do.
    report = purge(portal, now=NOW - datetime.timedelta(days=30), leavers=leavers())
    assert (report["due"], report["erased"]) == (0, 0)

    report = purge(portal, now=NOW, dry_run=True, leavers=leavers())
    assert report["dry_run"] is True and report["retention_days"] == 92
    assert (report["deactivated"], report["due"], report["erased"]) == (2, 1, 1)
    (line,) = report["people"]
    assert line["userid"] == PERSON
    assert (line["content"], line["comments"], line["cases"], line["form_submissions"]) == (2, 1, 1, 2)
    assert (line["spaces"], line["notification_preference"], line["space_visits"]) == (1, 1, 1)
    assert "seraient anonymisée" in report["summary"]
    assert state(portal, person_data) == before

    report = purge(portal, now=NOW, leavers=leavers())
    assert report["erased"] == 1 and "anonymisée(s)" in report["summary"]
    after = state(portal, person_data)
    assert after["post_creators"] == ("(anonyme)",) and after["by_person"] == 0
    assert after["post_owner"] != PERSON and PERSON not in after["post_history_actors"]
    assert after["comment_author"] == (None, None, None, None)
    assert after["cases"] == 0
    # Their two rows are gone; another's row that typed their address is not theirs to erase.
    assert after["form_rows"] == [("camille.martin@example.org", "Remarque privée"), ("dominique@example.org", "")]
    assert after["preference"] == "digest"  # the default: the choice is gone
    assert PERSON not in after["roster"] and after["visits"] == 0
    # The other person, deactivated 10 days ago, keeps everything.
    for key in ("other_comment_author", "other_preference", "other_post_creators"):
        assert after[key] == before[key]
    assert after["roster"][OTHER] == "member"
    # The post itself stays, for the space's members.
    assert person_data["post"].Title() == "Sortie au musée"

    # Twice: nothing left to erase, nothing changed.
    again = purge(portal, now=NOW, leavers=leavers())
    assert (again["due"], again["erased"], again["people"]) == (1, 0, [])
    assert state(portal, person_data) == after


def test_the_setting_and_a_negative_delay(portal, person_data):
    before = state(portal, person_data)
    for bad in (-1, "-3", "trois"):
        with pytest.raises(RetentionRefused) as refused:
            purge(portal, now=NOW, retention=bad, leavers=leavers())
        assert "\n" not in str(refused.value)
    assert state(portal, person_data) == before
    # A delay given for the run: the other person (10 days) is due after 7.
    report = purge(portal, now=NOW, retention=7, dry_run=True, leavers=leavers())
    assert sorted(line["userid"] for line in report["people"]) == [PERSON, OTHER]
    assert report["retention_days"] == 7
    # The site's setting (registry) when the run gives none.
    assert api.portal.get_registry_record("ent.gdpr.retention_days") == 92
    api.portal.set_registry_record("ent.gdpr.retention_days", 5)
    report = purge(portal, now=NOW, dry_run=True, leavers=leavers())
    assert report["retention_days"] == 5 and report["erased"] == 2


def test_the_deactivated_people_of_a_real_directory(tmp_path):
    """A full import deactivates the absent; their deactivation date is the entry's
    modifyTimestamp, kept by the server."""
    from ent.policy.directory.config import read_config
    from ent.policy.directory.provisioning import DirectoryWriter
    from ent.policy.directory.provisioning import provision
    from support.directory_server import SCHOOLS
    from support.directory_server import start_directory

    server = start_directory(tmp_path / "ldap", schools=SCHOOLS[:1])
    try:
        writer = DirectoryWriter(server.uri, server.manager_dn, server.manager_password, server.shape)
        header = "id,last_name,first_name,email,profile,uais,children\n"
        row = "lea.martin,Martin,Léa,lea.martin@example.org,student,0310001H,\n"
        started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        provision(writer, (header + row).encode(), full=True)
        config = read_config(
            {
                "ENT_LDAP_URI": server.uri,
                "ENT_LDAP_BIND_DN": server.manager_dn,
                "ENT_LDAP_BIND_PASSWORD": server.manager_password,
                "ENT_LDAP_USERS_BASE": server.shape.people,
                "ENT_LDAP_GROUPS_BASE": server.shape.groups,
            }
        )
        found = deactivated_people(config)
        ids = [leaver.userid for leaver in found]
        assert "0310001h.parent" in ids and "lea.martin" not in ids
        parent = found[ids.index("0310001h.parent")]
        assert parent.fullname and started - datetime.timedelta(seconds=1) <= parent.deactivated_at
        assert parent.deactivated_at <= datetime.datetime.now(datetime.UTC)
    finally:
        server.stop()


def test_rest_and_command(functional_portal, capsys, monkeypatch, tmp_path):
    from ent.server.commands.gdpr import main
    from gdpr.conftest import build
    from gdpr.conftest import PASSWORD
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    import requests
    import transaction
    import zipfile

    build(functional_portal)
    transaction.commit()
    url = functional_portal.absolute_url()

    def post(auth, **body):
        return requests.post(
            f"{url}/@gdpr-purge", json=body, auth=auth, headers={"Accept": "application/json"}, timeout=60
        )

    assert post((PERSON, PASSWORD), dry_run=True).status_code in (401, 403)
    refused = post((SITE_OWNER_NAME, SITE_OWNER_PASSWORD), retention_days=-2)
    assert refused.status_code == 400 and "négatif" in refused.json()["error"]["message"]
    # The test site has no directory: nobody deactivated, nothing to erase.
    report = post((SITE_OWNER_NAME, SITE_OWNER_PASSWORD), dry_run=True).json()
    assert (report["dry_run"], report["deactivated"], report["erased"]) == (True, 0, 0)

    monkeypatch.setenv("ENT_PASSWORD", SITE_OWNER_PASSWORD)
    assert main(["purge", "--dry-run", "--url", url, "--user", SITE_OWNER_NAME]) == 0
    assert "0 personne(s)" in capsys.readouterr().out
    assert main(["purge", "--retention-days", "-1", "--url", url, "--user", SITE_OWNER_NAME]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be negative" in err
    assert main(["purge", "--url", url, "--user", PERSON]) == 2
    assert "may not purge" in capsys.readouterr().err

    output = tmp_path / "camille.zip"
    assert main(["export", PERSON, "--output", str(output), "--url", url, "--user", SITE_OWNER_NAME]) == 0
    assert "donnees.json" in zipfile.ZipFile(output).namelist()
    assert main(["export", PERSON, "--output", str(output), "--url", url, "--user", SITE_OWNER_NAME]) == 2
    monkeypatch.setenv("ENT_PASSWORD", PASSWORD)
    assert main(["export", PERSON, "--output", str(tmp_path / "x.zip"), "--url", url, "--user", OTHER]) == 2
    assert "personne concernée" in capsys.readouterr().err
