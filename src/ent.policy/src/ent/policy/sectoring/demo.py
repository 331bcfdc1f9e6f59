"""The demo's sectoring, generated from the portal's collèges (demo profile only).

Every commune of a collège is served by it as a whole; in a commune with several collèges
the first (by UAI) serves the commune and each other one the street of its own address.
Toulouse is split by streets among its collèges: a fixed list of real Toulouse streets, some
split by odd/even numbers or by ranges. The rows are written in the official format and go
through `import_sectoring`, the path of an admin's import.
"""

from ent.policy.sectoring.importer import import_sectoring
from ent.policy.sectoring.normalize import fold
from plone import api

import re


TOULOUSE = "31555"
#: Toulouse's collèges have CEDEX postal codes; its streets, the city's.
TOULOUSE_POSTAL_CODE = "31000"
FILENAME = "demo-sectorisation.csv"
HEADER = (
    "code_postal;code_insee;com_name_upper;libelle_commune;type_et_libelle;no_de_voie_debut;no_de_voie_fin;"
    "parite;code_rne;appellation_officielle"
)
PARITE = {"all": "Tous les N°, de", "odd": "N° impairs, de", "even": "N° pairs, de"}
ALL = ((1, 9999, "all"),)

FERMAT, MICHELET, ISAURE, LAMARTINE = "0311236A", "0311631E", "0310037X", "0311327Z"
PONTS_JUMEAUX, CHALETS, MARENGO, JOLIMONT = "0311582B", "0311328A", "0311584D", "0311264F"
STENDHAL, VERNANT, GEORGE_SAND, BELLEVUE = "0311630D", "0310085Z", "0310086A", "0310092G"
BERTHELOT, AUCLERT, LAUTREC, BECANNE = "0310093H", "0311111P", "0311112R", "0311231V"
NOUGARO, ROSA_PARKS, ANATOLE_FRANCE, JEAN_MOULIN = "0311232W", "0311265G", "0311332E", "0311333F"
ZOLA, VAUQUELIN, SABINE_WEISS, PHILIPPE, PALEFICAT = "0311338L", "0311718Z", "0313079D", "0313080E", "0313167Z"

#: Real Toulouse streets (official spelling) and who serves them: (first, last, parity, uai).
TOULOUSE_STREETS = (
    ("RUE GAMBETTA", ((1, 9999, "all", FERMAT),)),
    ("RUE DU TAUR", ((1, 9999, "all", FERMAT),)),
    ("PLACE DU CAPITOLE", ((1, 9999, "all", FERMAT),)),
    ("RUE SAINT ROME", ((1, 9999, "all", FERMAT),)),
    ("RUE DE METZ", ((1, 9999, "odd", FERMAT), (2, 9998, "even", MICHELET))),
    ("RUE D ALSACE LORRAINE", ((1, 40, "all", FERMAT), (41, 9999, "all", MICHELET))),
    ("BOULEVARD DE STRASBOURG", ((1, 9999, "odd", FERMAT), (2, 9998, "even", MARENGO))),
    ("GRANDE RUE SAINT MICHEL", ((1, 9999, "all", MICHELET),)),
    ("BOULEVARD MICHELET", ((1, 9999, "all", MICHELET),)),
    ("RUE LARREY", ((1, 9999, "all", MICHELET),)),
    ("ALLEES CHARLES DE FITTE", ((1, 9999, "all", ISAURE),)),
    ("RUE DE LA REPUBLIQUE", ((1, 9999, "all", ISAURE),)),
    ("PLACE SAINT CYPRIEN", ((1, 9999, "all", ISAURE),)),
    ("AVENUE DE MURET", ((1, 99, "all", ISAURE), (100, 9999, "all", GEORGE_SAND))),
    ("ROUTE DE SAINT SIMON", ((1, 9999, "all", GEORGE_SAND),)),
    ("ROUTE DE SEYSSES", ((1, 9999, "all", GEORGE_SAND),)),
    ("AVENUE DE GRANDE BRETAGNE", ((1, 9999, "odd", BECANNE), (2, 9998, "even", STENDHAL))),
    ("AVENUE DE LOMBEZ", ((1, 9999, "all", STENDHAL),)),
    ("RUE PAUL LAMBERT", ((1, 9999, "all", STENDHAL),)),
    ("RUE PIERRE BOURTHOUMIEUX", ((1, 9999, "all", BECANNE),)),
    ("ALLEE JEAN JAURES", ((1, 9999, "odd", MARENGO), (2, 9998, "even", JOLIMONT))),
    ("RUE MATABIAU", ((1, 9999, "all", MARENGO),)),
    ("RUE FREDERIC PETIT", ((1, 9999, "all", MARENGO),)),
    ("AVENUE DE LYON", ((1, 9999, "all", MARENGO),)),
    ("CHEMIN CASSAING", ((1, 9999, "all", JOLIMONT),)),
    ("AVENUE DE CASTRES", ((1, 149, "all", JOLIMONT), (150, 9999, "all", VERNANT))),
    ("AVENUE DE LASBORDES", ((1, 9999, "all", VERNANT),)),
    ("ROUTE DE NARBONNE", ((1, 199, "all", VAUQUELIN), (200, 9999, "all", BELLEVUE))),
    ("AVENUE DE RANGUEIL", ((1, 9999, "all", VAUQUELIN),)),
    ("RUE NICOLAS LOUIS VAUQUELIN", ((1, 9999, "all", VAUQUELIN),)),
    ("CHEMIN DE POUVOURVILLE", ((1, 9999, "all", BELLEVUE),)),
    ("RUE LONGAUD", ((1, 9999, "all", BERTHELOT),)),
    ("AVENUE DE LESPINET", ((1, 9999, "all", ANATOLE_FRANCE),)),
    ("AVENUE DES ECOLES JULES JULIEN", ((1, 9999, "all", JEAN_MOULIN),)),
    ("AVENUE DE L URSS", ((1, 9999, "odd", LAMARTINE), (2, 9998, "even", JEAN_MOULIN))),
    ("RUE MARIE MAGNE", ((1, 9999, "all", LAMARTINE),)),
    ("RUE JEAN PIERRE BLANCHARD", ((1, 9999, "all", ZOLA),)),
    ("AVENUE DU GENERAL DE MONSABERT", ((1, 9999, "all", SABINE_WEISS),)),
    ("RUE DES CHALETS", ((1, 9999, "all", CHALETS),)),
    ("BOULEVARD DE LA MARQUETTE", ((1, 9999, "odd", CHALETS), (2, 9998, "even", PONTS_JUMEAUX))),
    ("RUE DES SPORTS", ((1, 9999, "all", PONTS_JUMEAUX),)),
    ("AVENUE DES MINIMES", ((1, 99, "all", PONTS_JUMEAUX), (100, 9999, "all", NOUGARO))),
    ("RUE DU CAILLOU GRIS", ((1, 9999, "all", NOUGARO),)),
    ("CHEMIN DU SEMINAIRE", ((1, 9999, "all", ROSA_PARKS),)),
    ("AVENUE DE FRONTON", ((1, 9999, "odd", ROSA_PARKS), (2, 9998, "even", PALEFICAT))),
    ("RUE GEORGES OHNET", ((1, 9999, "all", AUCLERT),)),
    ("IMPASSE BARTHE", ((1, 9999, "all", LAUTREC),)),
    ("ROUTE DE BLAGNAC", ((1, 9999, "all", LAUTREC),)),
    ("RUE MICHELINE OSTERMEYER", ((1, 9999, "all", PHILIPPE),)),
    ("CHEMIN VIREBENT", ((1, 9999, "all", PALEFICAT),)),
    ("BOULEVARD FLORENCE ARTHAUD", ((1, 9999, "all", PALEFICAT),)),
)
#: The street of an address: what follows its number ("12 bis rue X" → "RUE X"; a lieu-dit,
#: "Quartier Fontagnères", as it is).
ADDRESS_STREET = re.compile(r"^\s*(?:\d+\s*(?:bis|ter)?\b\s*,?\s*)?(.+)$", re.IGNORECASE)


def portal_schools() -> list:
    """(uai, title, insee, commune, postal code, address) of the portal's schools, by UAI."""
    catalog = api.portal.get_tool("portal_catalog")
    schools = []
    for brain in catalog.unrestrictedSearchResults(portal_type="School", sort_on="school_uai"):
        school = brain._unrestrictedGetObject()
        if school.uai and school.insee_code:
            schools.append(
                (
                    school.uai,
                    school.title,
                    school.insee_code,
                    school.commune or "",
                    school.postal_code or "",
                    school.address or "",
                )
            )
    return schools


def address_street(address) -> str:
    """The street of a school's address, in the official spelling, or ""."""
    first_line = (address or "").strip().splitlines()[0] if (address or "").strip() else ""
    match = ADDRESS_STREET.match(first_line)
    return fold(match.group(1)) if match else ""


def demo_rows(schools) -> list:
    """The rows (dicts of the official columns) of the demo's sectoring."""
    titles = {uai: title for uai, title, *_rest in schools}
    by_commune = {}
    for school in schools:
        by_commune.setdefault(school[2], []).append(school)
    rows = []

    def add(school, street, first, last, parity, uai):
        _uai, _title, insee, commune, postal_code, _address = school
        postal_code = TOULOUSE_POSTAL_CODE if insee == TOULOUSE else postal_code
        rows.append(
            {
                "code_postal": postal_code,
                "code_insee": insee,
                "com_name_upper": commune.upper(),
                "libelle_commune": commune,
                "type_et_libelle": street,
                "no_de_voie_debut": str(first),
                "no_de_voie_fin": str(last),
                "parite": PARITE[parity],
                "code_rne": uai,
                "appellation_officielle": titles[uai],
            }
        )

    for insee, schools_here in sorted(by_commune.items()):
        first = schools_here[0]
        if insee == TOULOUSE:
            for street, ranges in TOULOUSE_STREETS:
                for low, high, parity, uai in ranges:
                    if uai in titles:
                        add(first, street, low, high, parity, uai)
            continue
        add(first, "", 1, 9999, "all", first[0])
        for school in schools_here[1:]:
            street = address_street(school[5])
            if street:
                add(first, street, 1, 9999, "all", school[0])
    return rows


def demo_file(schools) -> bytes:
    columns = HEADER.split(";")
    lines = [HEADER]
    for row in demo_rows(schools):
        lines.append(";".join(row[name].replace(";", ",") for name in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def create_sectoring_demo(portal=None):
    """Import the demo's sectoring; returns the import's report."""
    schools = portal_schools()
    if not schools:
        return None
    return import_sectoring(demo_file(schools), FILENAME, portal=portal)
