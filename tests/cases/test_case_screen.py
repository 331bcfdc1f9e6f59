"""The handlers' case screen (`@@cases`), its export, REST `@cases` and "Mes démarches", over
HTTP on the functional layer, as a handler, an applicant, another parent and anonymous."""

from DateTime import DateTime
from ent.policy.cases import screen as screen_module
from ent.policy.cases.model import create_case
from ent.policy.cases.model import decide
from ent.policy.groups import COUNTY_CASES
from openpyxl import load_workbook
from plone import api
from support.audience_site import build
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import PASSWORD

import csv
import io
import pytest
import re
import requests
import transaction


PARENT = f"{OWN.lower()}.parent"
OTHER_PARENT = f"{OTHER.lower()}.parent"
AGENT = "county.agent"
ADMIN = "county.admin"
EVIL = '=HYPERLINK("http://evil.example/","clic")'


def http(login=None, json=False):
    session = requests.Session()
    if login:
        session.auth = (login, PASSWORD)
    if json:
        session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    return session


def make(kind, source, login, note, school=""):
    return create_case(
        kind,
        source,
        api.user.get(username=login),
        [("note", "Remarque", note), ("children", "Enfants", ["Léa", "Tom"])],
        school=school,
    )


@pytest.fixture
def site(functional_portal):
    """Two aids and a support form (their stand-ins); cases of both parents, one accepted, one from January."""
    portal = functional_portal
    build(portal)
    with api.env.adopt_roles(["Manager"]):
        if AGENT not in [user.getId() for user in api.user.get_users(groupname=COUNTY_CASES)]:
            api.group.add_user(groupname=COUNTY_CASES, username=AGENT)
        # The sources stand for aids and forms: the screen knows them by UID and title only.
        bikes = api.content.create(container=portal, type="Document", id="velo", title="Aide au vélo")
        books = api.content.create(container=portal, type="Document", id="livres", title="Aide aux livres")
        help_form = api.content.create(container=portal, type="Document", id="assistance-form", title="Assistance")
        cases = {
            "old": make("aid", bikes, PARENT, "ancienne", school=OWN),
            "other": make("aid", bikes, OTHER_PARENT, EVIL, school=OTHER),
            "books": make("aid", books, PARENT, "livres", school=OWN),
            "help": make("support", help_form, PARENT, "au secours"),
        }
        cases["old"].creation_date = DateTime("2026-01-15 10:00 Europe/Paris")
        cases["old"].reindexObject()
        decide(cases["books"], "accept")
        refs = {key: case.reference for key, case in cases.items()}
        uids = {key: case.UID() for key, case in cases.items()}
    transaction.commit()
    return {
        "url": portal.absolute_url(),
        "refs": refs,
        "uids": uids,
        "sources": {"bikes": bikes.UID(), "books": books.UID()},
    }


def screen(site, login, query="", folder="dossiers"):
    return http(login).get(f"{site['url']}/{folder}/@@cases{query}", timeout=60)


def listed(html, refs):
    """The references of `refs` the page shows, in the page's order."""
    found = [(html.find(f">{ref}<"), key) for key, ref in refs.items() if f">{ref}<" in html]
    return [key for _position, key in sorted(found)]


def test_screen_lists_filters_and_refuses(site, monkeypatch):
    refs = site["refs"]
    page = screen(site, AGENT)
    assert page.status_code == 200
    # The aid cases only (the support case is the County admins'), newest first.
    assert listed(page.text, refs) == ["books", "other", "old"]
    assert "Aide au vélo" in page.text and "Acceptée" in page.text
    assert listed(screen(site, AGENT, "?state=accepted").text, refs) == ["books"]
    assert listed(screen(site, AGENT, f"?source={site['sources']['bikes']}").text, refs) == ["other", "old"]
    assert listed(screen(site, AGENT, f"?school={OTHER}").text, refs) == ["other"]
    assert listed(screen(site, AGENT, "?start=2026-01-01&end=2026-01-31").text, refs) == ["old"]
    assert listed(screen(site, AGENT, "?start=2026-02-01").text, refs) == ["books", "other"]
    # The filters stay in the export links.
    assert "@@cases-export?format=csv&amp;state=accepted" in screen(site, AGENT, "?state=accepted").text
    assert screen(site, AGENT, "?start=hier").status_code == 400
    assert screen(site, AGENT, f"?school={OWN}&school={OTHER}").status_code == 400
    # The County admins see the support cases, in their own folder only.
    assert listed(screen(site, ADMIN).text, refs) == ["help"]
    assert screen(site, ADMIN, folder="dossiers/aides").status_code == 404
    assert listed(screen(site, AGENT, folder="dossiers/aides").text, refs) == ["books", "other", "old"]
    # Pages (two cases a page here), their links keep the filters.
    monkeypatch.setattr(screen_module, "PAGE_SIZE", 2)
    first = screen(site, AGENT, "?start=2026-01-01").text
    assert listed(first, refs) == ["books", "other"] and "3 dossier(s)" in first
    link = re.search(r'href="([^"]*@@cases\?[^"]*b_start[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "start=2026-01-01" in link
    assert listed(http(AGENT).get(link, timeout=60).text, refs) == ["old"]
    # Anyone else finds no screen.
    for login in (PARENT, OTHER_PARENT, f"{OWN.lower()}.principal", None):
        assert screen(site, login).status_code == 404, login


def authenticator(page):
    return re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)


def states(site, login=AGENT):
    items = http(login, json=True).get(f"{site['url']}/@cases?b_size=100", timeout=60).json()["items"]
    return {item["reference"]: item["state"] for item in items}


def test_bulk_change_is_all_or_nothing(site):
    refs, uids = site["refs"], site["uids"]
    session = http(AGENT)
    url = f"{site['url']}/dossiers/@@cases"
    token = authenticator(session.get(url, timeout=60))

    def bulk(keys, transition, reason="", token=token):
        data = {"cases:list": [uids[key] for key in keys], "transition": transition, "reason": reason}
        data.update({"form.buttons.decide": "1", "_authenticator": token})
        return session.post(url, data=data, timeout=60)

    before = states(site)
    # "books" is accepted already: nothing changes, the message names it.
    answer = bulk(["old", "books"], "accept")
    assert answer.status_code == 400
    assert refs["books"] in answer.text and "Acceptée" in answer.text
    assert states(site) == before
    # A refusal without a reason.
    answer = bulk(["old", "other"], "refuse")
    assert answer.status_code == 400 and "motif" in answer.text
    assert states(site) == before
    # Without the authenticator (a forged form): refused.
    assert bulk(["old"], "review", token="forged").status_code == 403
    assert states(site) == before
    # A case the agent does not handle is not there for them.
    answer = bulk(["old", "help"], "review")
    assert answer.status_code == 400 and states(site) == before
    # All possible: all change, the screen says so.
    answer = bulk(["old", "other"], "refuse", reason="Dossier incomplet")
    assert answer.status_code == 200 and "2 dossier(s) modifié(s)" in answer.text
    after = states(site)
    assert after[refs["old"]] == after[refs["other"]] == "refused"
    assert after[refs["books"]] == "accepted"


def export(site, format, query="", login=AGENT):
    return http(login).get(f"{site['url']}/dossiers/@@cases-export?format={format}{query}", timeout=60)


def test_export_csv_and_xlsx(site):
    refs = site["refs"]
    answer = export(site, "csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="dossiers-\d{4}-\d\d-\d\d\.csv"', answer.headers["Content-Disposition"])
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Référence", "Date de dépôt", "Demandeur"]
    assert "Remarque" in header and "Enfants" in header
    assert [row[0] for row in body] == [refs["books"], refs["other"], refs["old"]]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    old = by_ref[refs["old"]]
    assert old["Date de dépôt"] == "15/01/2026 10:00"  # the site's time zone
    assert old["Courriel"] == f"{PARENT}@example.org"
    assert old["Aide ou formulaire"] == "Aide au vélo" and old["Statut"] == "Reçue"
    assert old["Enfants"] == "Léa, Tom"
    assert by_ref[refs["books"]]["Date de la dernière décision"]
    # The applicant's formula is text.
    assert by_ref[refs["other"]]["Remarque"] == "'" + EVIL
    # The filters apply.
    only = export(site, "csv", "&state=accepted").content.decode("utf-8-sig").splitlines()
    assert len(only) == 2 and refs["books"] in only[1]

    answer = export(site, "xlsx", f"&school={OTHER}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Référence" and len(values) == 2
    row = dict(zip(values[0], values[1], strict=True))
    assert row["Référence"] == refs["other"] and row["Collège"] != OTHER  # the school's name
    cell = [cell for cell in list(sheet.iter_rows())[1] if cell.value and "HYPERLINK" in str(cell.value)][0]
    assert cell.data_type == "s" and cell.value == "'" + EVIL
    # Nobody else exports.
    assert export(site, "csv", login=PARENT).status_code == 404
    assert export(site, "pdf").status_code == 400


def rest(site, login, query=""):
    return http(login, json=True).get(f"{site['url']}/@cases{query}", timeout=60)


def test_rest_get_and_post(site):
    refs, uids = site["refs"], site["uids"]
    answer = rest(site, AGENT)
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [item["reference"] for item in items] == [refs["books"], refs["other"], refs["old"]]
    books = items[0]
    assert books["state"] == "accepted" and books["state_title"] == "Acceptée"
    assert books["source_title"] == "Aide aux livres" and books["school"] == OWN
    assert books["@id"].endswith(f"/dossiers/aides/{refs['books'].lower()}")
    assert books["created"].endswith(("+01:00", "+02:00"))
    assert set(books) >= {
        "@id",
        "reference",
        "state",
        "state_title",
        "created",
        "source_title",
        "school",
        "applicant_name",
    }
    assert [i["reference"] for i in rest(site, AGENT, "?state=received&school=0310001H").json()["items"]] == [
        refs["old"]
    ]
    batch = rest(site, AGENT, "?b_size=2").json()
    assert batch["items_total"] == 3 and len(batch["items"]) == 2 and "batching" in batch
    assert rest(site, AGENT, "?state=nowhere").status_code == 400
    assert rest(site, AGENT, "?school=A&school=B").status_code == 400
    assert [i["reference"] for i in rest(site, ADMIN).json()["items"]] == [refs["help"]]
    assert rest(site, AGENT, "?mine=1").json()["items"] == []
    # An applicant: their own cases, whatever they ask; another parent: theirs only.
    mine = [i["reference"] for i in rest(site, PARENT).json()["items"]]
    assert sorted(mine) == sorted([refs["old"], refs["books"], refs["help"]])
    assert [i["reference"] for i in rest(site, OTHER_PARENT).json()["items"]] == [refs["other"]]
    assert rest(site, f"{OWN.lower()}.teacher").json()["items"] == []
    assert rest(site, None).status_code == 401

    def post(login, body):
        return http(login, json=True).post(f"{site['url']}/@cases", json=body, timeout=60)

    assert post(AGENT, {"cases": uids["old"], "transition": "accept"}).status_code == 400
    assert post(AGENT, {"cases": [uids["old"]], "transition": "destroy"}).status_code == 400
    refused = post(AGENT, {"cases": [uids["old"], uids["books"]], "transition": "review"})
    assert refused.status_code == 400 and refs["books"] in refused.json()["error"]["message"]
    # The applicant may not decide their own case: 403, nothing changes.
    assert post(PARENT, {"cases": [uids["old"]], "transition": "accept"}).status_code == 403
    assert post(None, {"cases": [uids["old"]], "transition": "accept"}).status_code == 401
    assert states(site)[refs["old"]] == "received"
    done = post(AGENT, {"cases": [uids["old"], uids["other"]], "transition": "review"})
    assert done.status_code == 200, done.text
    assert {i["reference"]: i["state"] for i in done.json()["items"]} == {
        refs["old"]: "under_review",
        refs["other"]: "under_review",
    }
    assert states(site)[refs["other"]] == "under_review"


def test_my_applications_in_mon_ent(site):
    refs = site["refs"]
    page = http(PARENT).get(f"{site['url']}/@@mon-ent", timeout=60)
    assert page.status_code == 200
    section = page.text.split('class="ent-my-cases', 1)[1].split("</section>", 1)[0]
    assert "Mes démarches" in page.text
    assert listed(section, refs) and set(listed(section, refs)) == {"old", "books", "help"}
    assert f'href="{site["url"]}/dossiers/aides/{refs["books"].lower()}"' in section
    assert "Acceptée" in section and "Aide aux livres" in section
    # Someone with no case: only the way to the aids.
    teacher = http(f"{OWN.lower()}.teacher").get(f"{site['url']}/@@mon-ent", timeout=60).text
    section = teacher.split('class="ent-my-cases', 1)[1].split("</section>", 1)[0]
    assert f'href="{site["url"]}/aides"' in section and not listed(section, refs)
