"""Import and look up the sectoring of benchmarks/sectoring.py inside Zope; never run by hand
in var/.

Run as `zconsole run ZOPE_CONF benchmarks/sectoring_items.py ROWS SEED QUERIES SCANS OUT`,
with ENT_VAR_DIR pointing at the temporary instance folder that ZOPE_CONF was rendered for,
the instance stopped, on the ENT site ENT_SITE_ID with its demo collèges:

1. a sectoring file of ROWS rows in the official format is generated (seeded): the communes
   of the portal's collèges and, past them, other communes of the département (INSEE
   31001-31592) each served by one to three collèges; Toulouse with a tenth of the rows;
   streets served whole (60 %), by odd/even numbers (25 %) or by three number ranges (15 %);
2. it is imported by `import_sectoring` (the path of `ent-sectoring import` and of
   `@sectoring-import`), commit included: the time; then the same file again (idempotent);
3. QUERIES addresses (seeded: known streets written as people write them, with a number in
   a range, or no number, or an unknown street) are looked up in the stored index, read
   anew from the database (cold), then again (warm): the time of each lookup; and SCANS of
   them by a linear scan of the same rows (the file's rows in a list, each street's key
   computed once beforehand), checked to give the same collèges as the index.

Writes the addresses to OUT (JSON, for the served requests) and prints one line
`BENCH-RESULT <json>`.
"""

from Acquisition import aq_base
from pathlib import Path

import json
import os
import random
import sys
import time
import transaction


HERE = next(Path(arg).resolve().parent for arg in sys.argv if arg.endswith("sectoring_items.py"))
sys.path.insert(0, str(HERE))

from zope_sites import InSite  # noqa: E402
from zope_sites import script_args  # noqa: E402


TOULOUSE = "31555"
HEADER = "code_postal;code_insee;com_name_upper;libelle_commune;type_et_libelle;no_de_voie_debut;no_de_voie_fin;parite;code_rne;appellation_officielle"
TYPES = ("RUE", "AVENUE", "ALLEE", "CHEMIN", "IMPASSE", "BOULEVARD", "PLACE", "ROUTE", "IMPASSE", "RUE")
#: How people write a street's type (the lookup must understand them).
WRITTEN = {
    "RUE": "r.",
    "AVENUE": "av.",
    "ALLEE": "all.",
    "CHEMIN": "ch.",
    "BOULEVARD": "bd",
    "PLACE": "pl.",
    "ROUTE": "rte",
}
NAMES = (
    "JEAN JAURES", "VICTOR HUGO", "DES LILAS", "DU MOULIN", "DE LA GARE", "PASTEUR", "DES ECOLES", "GAMBETTA",
    "JULES FERRY", "DE LA REPUBLIQUE", "DES PYRENEES", "DU STADE", "DES PINS", "SAINT MICHEL", "DE LA PAIX",
    "DU CHATEAU", "DES ACACIAS", "MARCEL PAGNOL", "GEORGE SAND", "DE L EGLISE", "DES VIGNES", "DU LAVOIR",
    "CLEMENCE ISAURE", "PIERRE DE FERMAT", "DES TILLEULS", "DE LA GARONNE", "DU CANAL", "DES CHENES",
    "LOUISE MICHEL", "JEAN MOULIN", "ALBERT CAMUS", "DES PEUPLIERS", "DU COMMINGES", "DE LOMAGNE", "DES ROSES",
)  # fmt: skip
PARITE = {"all": "Tous les N°, de", "odd": "N° impairs, de", "even": "N° pairs, de"}


def generate(rng, rows_wanted, schools):
    """(file bytes, rows as tuples (insee, street, first, last, parity, uai), streets by commune)."""
    by_insee = {}
    for uai, _title, insee, commune, postal in schools:
        by_insee.setdefault(insee, {"name": commune, "postal": postal, "uais": []})["uais"].append(uai)
    uais = [school[0] for school in schools]
    titles = {school[0]: school[1] for school in schools}
    communes = dict(by_insee)
    wanted_communes = max(len(communes), min(592, rows_wanted // 170))
    for number in range(1, 593):
        if len(communes) >= wanted_communes:
            break
        insee = f"31{number:03d}"
        if insee not in communes:
            communes[insee] = {
                "name": f"COMMUNE {number:03d}",
                "postal": f"31{rng.randint(0, 99):02d}0",
                "uais": rng.sample(uais, rng.randint(1, 3)),
            }
    # Each commune's share of the rows: Toulouse a tenth, the others evenly.
    order = sorted(communes)
    shares = {}
    rest = rows_wanted
    if TOULOUSE in communes and len(order) > 1:
        shares[TOULOUSE] = rows_wanted // 10
        rest -= shares[TOULOUSE]
    others = [insee for insee in order if insee not in shares]
    for position, insee in enumerate(others):
        shares[insee] = rest // len(others) + (1 if position < rest % len(others) else 0)
    lines, rows, streets = [HEADER], [], {}
    for insee in order:
        commune, share = communes[insee], shares[insee]
        made, seen = 0, set()
        while made < share:
            name = f"{rng.choice(TYPES)} {rng.choice(NAMES)}"
            while name in seen:
                name = f"{name} {rng.randint(2, 99)}"
            seen.add(name)
            roll = rng.random()
            if roll < 0.60 or share - made < 2:
                ranges = [(1, 9999, "all")]
            elif roll < 0.85 or share - made < 3:
                ranges = [(1, 9999, "odd"), (2, 9998, "even")]
            else:
                ranges = [(1, 99, "all"), (100, 299, "all"), (300, 9999, "all")]
            for first, last, parity in ranges:
                uai = rng.choice(commune["uais"])
                rows.append((insee, name, first, last, parity, uai))
                lines.append(
                    ";".join(
                        (commune["postal"], insee, commune["name"].upper(), commune["name"], name, str(first),
                         str(last), PARITE[parity], uai, titles[uai].replace(";", ","))
                    )
                )  # fmt: skip
                made += 1
            streets.setdefault(insee, []).append((name, ranges))
    return ("\n".join(lines) + "\n").encode("utf-8"), rows, streets


def written(rng, street):
    """A street as a person may type it: lower case, an abbreviation."""
    kind, _, rest = street.partition(" ")
    choice = rng.random()
    if choice < 0.3 and kind in WRITTEN:
        return f"{WRITTEN[kind]} {rest.title()}"
    if choice < 0.6:
        return street.lower()
    return street.title()


def make_queries(rng, count, streets):
    queries = []
    communes = sorted(streets)
    for _ in range(count):
        insee = rng.choice(communes)
        street, ranges = rng.choice(streets[insee])
        roll = rng.random()
        if roll < 0.8:
            first, last, parity = rng.choice(ranges)
            number = rng.randint(first, min(last, first + 400))
            if parity == "odd" and number % 2 == 0 or parity == "even" and number % 2 == 1:
                number += 1
            queries.append({"insee": insee, "street": written(rng, street), "number": number})
        elif roll < 0.9:
            queries.append({"insee": insee, "street": written(rng, street), "number": None})
        else:
            queries.append({"insee": insee, "street": "rue qui n existe pas", "number": 7})
    return queries


def scan(rows, insee, key, number):
    """The collèges serving the address, by reading every row."""
    found = set()
    for row_insee, row_key, first, last, parity, uai in rows:
        if row_insee == insee and row_key == key:
            if number is None or (
                first <= number <= last and (parity == "all" or (number % 2 == 1) == (parity == "odd"))
            ):
                found.add(uai)
    return found


def main(app):
    from ent.server import settings as settings_module

    rows_wanted, seed, query_count, scan_count = (int(value) for value in script_args("sectoring_items.py")[:4])
    out = Path(script_args("sectoring_items.py")[4])
    settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())
    rng = random.Random(seed)

    def say(message):
        print(f"sectoring_items: {message}", flush=True)

    with InSite(aq_base(app), settings, settings.site_id) as portal:
        from ent.policy.sectoring.importer import import_sectoring
        from ent.policy.sectoring.index import get_index
        from ent.policy.sectoring.normalize import street_key

        catalog = portal.portal_catalog
        schools = []
        for brain in catalog.unrestrictedSearchResults(portal_type="School", sort_on="school_uai"):
            school = brain._unrestrictedGetObject()
            if school.insee_code:
                schools.append((school.uai, school.title, school.insee_code, school.commune, school.postal_code or ""))
        data, rows, streets = generate(rng, rows_wanted, schools)
        say(f"{len(rows)} rows, {len(streets)} communes, {len(data) / 2**20:.1f} MiB; importing")
        fs = Path(settings.var) / "filestorage" / "Data.fs"
        size_before = fs.stat().st_size if fs.exists() else None
        started = time.perf_counter()
        report = import_sectoring(data, "bench-sectorisation.csv")
        transaction.commit()
        import_s = time.perf_counter() - started
        # The demo's sectoring is there before: rows of it may be "unchanged" or "updated".
        if not report.ok or report.created + len(report.updated) + report.unchanged != len(rows):
            raise SystemExit(f"sectoring_items.py: the import did not take every row: {report.summary()}")
        say(f"imported in {import_s:.1f} s: {report.summary()}")
        started = time.perf_counter()
        again = import_sectoring(data, "bench-sectorisation.csv")
        transaction.commit()
        again_s = time.perf_counter() - started
        say(f"again in {again_s:.1f} s: {again.summary()}")
        size_after = fs.stat().st_size if fs.exists() else None

        queries = make_queries(rng, query_count, streets)
        out.write_text(json.dumps(queries), encoding="utf-8")
        # Cold: the index read anew from the database.
        transaction.abort()
        portal._p_jar.cacheMinimize()
        timings = {"cold": [], "warm": []}
        answers = []
        for name in ("cold", "warm"):
            for query in queries:
                started = time.perf_counter()
                answer = get_index(portal).lookup(query["insee"], query["street"], query["number"])
                timings[name].append(time.perf_counter() - started)
                if name == "warm":
                    answers.append(answer)
        keyed = [
            (insee, street_key(street), first, last, parity, uai) for insee, street, first, last, parity, uai in rows
        ]
        scan_times, mismatches = [], 0
        for query, answer in list(zip(queries, answers, strict=True))[:scan_count]:
            started = time.perf_counter()
            found = scan(keyed, query["insee"], street_key(query["street"]), query["number"])
            scan_times.append(time.perf_counter() - started)
            expected = {answer.uai} if answer.uai else set(answer.candidates)
            if answer.reason not in ("unknown-street", "whole-commune") and found != expected:
                mismatches += 1
        reasons = {}
        for answer in answers:
            reasons[answer.reason] = reasons.get(answer.reason, 0) + 1
        result = {
            "rows": len(rows),
            "communes": len(streets),
            "file_mib": len(data) / 2**20,
            "import_s": import_s,
            "again_s": again_s,
            "again_unchanged": again.unchanged,
            "data_fs_growth_mib": (size_after - size_before) / 2**20 if size_before is not None else None,
            "lookup_s": timings,
            "scan_s": scan_times,
            "scan_mismatches": mismatches,
            "reasons": reasons,
        }
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
