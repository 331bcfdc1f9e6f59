"""Usage statistics on the demo site as `make run` serves it: the access-log line a page view
writes (and what it does not: no cookie, no database write, no name), `ent-stats ingest` of
that log, then `@stats` and the dashboards with their access rule (County admins every site,
a principal their own school, 403 for anyone else), the CSV export (docs/statistics.md)."""

from ent.policy.stats.ingest import ingest
from support.demo_instance import PEOPLE
from ZODB.FileStorage import FileStorage

import json
import pytest
import requests


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SCHOOL = "colleges/0310001h"
OTHER_SCHOOL = "colleges/0311721c"
JSON = {"Accept": "application/json", "User-Agent": BROWSER}


def stats_log(demo):
    return demo.var / "log" / "stats.log"


def new_lines(demo, since):
    with open(stats_log(demo), "rb") as stream:
        stream.seek(since)
        return [json.loads(line) for line in stream.read().splitlines()]


def log_size(demo):
    path = stats_log(demo)
    return path.stat().st_size if path.exists() else 0


def visit(session, url, referer=None):
    headers = {"User-Agent": BROWSER}
    if referer:
        headers["Referer"] = referer
    answer = session.get(url, headers=headers, timeout=60)
    assert answer.status_code == 200, url
    return answer


def last_transaction(demo):
    storage = FileStorage(str(demo.var / "filestorage" / "Data.fs"), read_only=True)
    try:
        return storage.lastTransaction()
    finally:
        storage.close()


def written_by_requests(demo, after):
    """The paths of the requests that committed a transaction after the tid `after` (the
    notification worker's own transactions name no path)."""
    storage = FileStorage(str(demo.var / "filestorage" / "Data.fs"), read_only=True)
    try:
        return [
            transaction.description.decode()
            for transaction in storage.iterator(start=after)
            if transaction.tid != after and transaction.description
        ]
    finally:
        storage.close()


def test_a_page_view_is_one_line_without_cookie_nor_database_write(demo):
    anonymous = requests.Session()
    for page in (SCHOOL, f"{SCHOOL}/actualites"):  # a first render may write (the news view)
        visit(anonymous, f"{demo.url}/{page}")
    before, size = last_transaction(demo), log_size(demo)
    home = visit(anonymous, f"{demo.url}/{SCHOOL}", referer="https://www.google.fr/")
    assert "Set-Cookie" not in home.headers and not anonymous.cookies
    visit(anonymous, f"{demo.url}/{SCHOOL}/actualites", referer=f"{demo.url}/{SCHOOL}")
    bot = anonymous.get(f"{demo.url}/{SCHOOL}", headers={"User-Agent": "Googlebot/2.1"}, timeout=60)
    probe = anonymous.get(f"{demo.url}/{SCHOOL}", headers={"User-Agent": "check_http/v2.3"}, timeout=60)
    rest = anonymous.get(f"{demo.url}/{SCHOOL}", headers=JSON, timeout=60)
    assert bot.status_code == probe.status_code == rest.status_code == 200
    lines = new_lines(demo, size)
    assert [(line["site"], line["section"], line["profile"], line["visit"]) for line in lines] == [
        ("0310001h", "", "public", 1),
        ("0310001h", "actualites", "public", 0),
    ]
    assert written_by_requests(demo, before) == []
    assert all("p" not in line for line in lines)


def test_a_logged_in_view_names_the_profile_not_the_person(demo):
    parent = demo.session(PEOPLE["parent"])
    size = log_size(demo)
    visit(parent, f"{demo.url}/{SCHOOL}/actualites")
    (line,) = new_lines(demo, size)
    assert (line["site"], line["section"], line["profile"]) == ("0310001h", "actualites", "parent")
    index, rank = line["p"].split(".")
    assert 0 <= int(index) < 4096 and int(rank) >= 1
    raw = stats_log(demo).read_text()
    assert PEOPLE["parent"] not in raw and "__ac" not in raw


@pytest.fixture(scope="module")
def ingested(demo):
    """The demo's log so far, with a few known page views, in the instance's aggregates."""
    anonymous = requests.Session()
    for _ in range(3):
        visit(anonymous, f"{demo.url}/{OTHER_SCHOOL}", referer="https://www.example.org/")
    visit(demo.session(PEOPLE["teacher"]), f"{demo.url}/{SCHOOL}")
    report = ingest([stats_log(demo)], demo.var / "stats" / "stats.sqlite")
    assert report.views >= 4 and report.corrupt == 0
    return report


def stats(session, url, **params):
    return session.get(f"{url}/@stats", headers=JSON, params=params, timeout=60)


def test_county_admins_see_every_site(demo, ingested):
    admin = demo.session(PEOPLE["county-admin"])
    every = stats(admin, demo.url, period="7d")
    assert every.status_code == 200, every.text
    figures = every.json()
    sites = {row["site"]: row for row in figures["sites"]}
    assert sites["0311721c"]["views"] >= 3 and sites["0311721c"]["visits"] >= 3
    assert figures["views"] == sum(row["views"] for row in figures["sites"])
    assert {row["profile"] for row in figures["profiles"]} >= {"public", "teacher"}
    one = stats(admin, demo.url, site="0311721c", period="7d").json()
    assert one["site"] == "0311721c" and one["views"] == sites["0311721c"]["views"]
    assert stats(admin, f"{demo.url}/{OTHER_SCHOOL}", period="7d").json()["views"] == one["views"]
    teachers = stats(admin, demo.url, site="0310001h", period="month").json()
    assert teachers["people"][-1]["people"] >= 1


def test_a_principal_sees_their_school_only(demo, ingested):
    principal = demo.session(PEOPLE["principal"])
    own = stats(principal, f"{demo.url}/{SCHOOL}", period="7d")
    assert own.status_code == 200 and own.json()["site"] == "0310001h"
    assert stats(principal, f"{demo.url}/{OTHER_SCHOOL}").status_code == 403
    assert stats(principal, demo.url).status_code == 403
    assert stats(principal, demo.url, site="0311721c").status_code == 403
    assert stats(demo.session(PEOPLE["teacher"]), f"{demo.url}/{SCHOOL}").status_code == 403
    assert stats(requests.Session(), f"{demo.url}/{SCHOOL}").status_code == 401


def test_periods_without_data_and_bad_periods(demo, ingested):
    admin = demo.session(PEOPLE["county-admin"])
    empty = stats(admin, demo.url, period="custom", start="2020-01-01", end="2020-12-31")
    assert empty.status_code == 200
    assert empty.json()["views"] == 0 and len(empty.json()["series"]) == 12
    bad = stats(admin, demo.url, period="custom", start="2020-12-31", end="2020-01-01")
    assert bad.status_code == 400 and "précède" in bad.json()["error"]["message"]


def test_dashboards_and_csv(demo, ingested):
    admin = demo.session(PEOPLE["county-admin"])
    page = admin.get(f"{demo.url}/@@stats", params={"period": "30d"}, timeout=60)
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3 and "Sites compared" not in page.text
    assert "Établissements comparés" in page.text or "Sites comparés" in page.text
    assert "<script" not in page.text.split('id="content"')[1].split("</main>")[0]
    principal = demo.session(PEOPLE["principal"])
    assert principal.get(f"{demo.url}/{SCHOOL}/@@stats", timeout=60).status_code == 200
    assert principal.get(f"{demo.url}/{OTHER_SCHOOL}/@@stats", timeout=60).status_code == 403
    exported = admin.get(f"{demo.url}/@@stats.csv", params={"period": "7d"}, timeout=60)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rows = [row.split(";") for row in exported.content.decode("utf-8-sig").splitlines()]
    assert rows[0][:5] == ["tableau", "clé", "libellé", "pages vues", "visites"]
    site_rows = {row[1]: row for row in rows if row[0] == "site"}
    assert int(site_rows["0311721c"][3]) >= 3
    assert principal.get(f"{demo.url}/{OTHER_SCHOOL}/@@stats.csv", timeout=60).status_code == 403


def test_mon_ent_leads_to_the_dashboards_one_may_read(demo):
    """Mon ENT shows "Statistiques de fréquentation" with the dashboards the person may read:
    the County's for a County admin, their school's for a principal, none for a teacher or a
    parent; each link opens."""
    from lxml import html as lxml_html

    def dashboards(kind):
        session = demo.session(PEOPLE[kind])
        page = lxml_html.fromstring(session.get(f"{demo.url}/@@mon-ent", timeout=60).text)
        links = page.xpath("//section[contains(@class, 'ent-my-statistics')]//a/@href")
        for link in links:
            assert session.get(link, timeout=60).status_code == 200, link
        return links

    assert dashboards("county-admin") == [f"{demo.url}/@@stats"]
    assert dashboards("principal") == [f"{demo.url}/colleges/0310001h/@@stats"]
    assert dashboards("teacher") == []
    assert dashboards("parent") == []
