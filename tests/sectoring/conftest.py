"""Fixtures of the sectoring tests: a site with two schools (Aspet 0310001H, Aurignac
0310003K) and the official file's rows."""

from ent.policy.schools.importer import import_schools
from plone import api
from support.schools_data import ASPET
from support.schools_data import AURIGNAC
from support.schools_data import csv_bytes

import pytest


#: The official file's header (tests/sectoring/data/carte-scolaire-format-sample.csv).
HEADER = (
    "code_region;libelle_region;code_academie;libelle_academie;code_departement;libelle_departement_eleve;"
    "code_postal;code_insee;com_name_upper;lieu_dit;type_et_libelle;no_de_voie_debut;no_de_voie_fin;"
    "numero_de_voie;indice_de_repetition_debut;indice_de_repetition_fin;parite;code_rne;libelle_commune;"
    "position;adresse_uai;appellation_officielle;date_ouverture;ips_etablissement;type_etablissement;"
    "numero_voie_et_cote"
)
NAMES = {"0310001H": "Collège Armand Latour", "0310003K": "Collège Emile-Paul Vayssie"}


def row(insee, commune, street, first, last, parite, uai, postal_code="31000", name=None):
    """One row of the official file."""
    name = name if name is not None else NAMES.get(uai, "Lycée ailleurs")
    cells = [
        "76", "OCCITANIE", "16", "TOULOUSE", "31", "HAUTE-GARONNE", postal_code, insee, commune, "", street,
        str(first), str(last), "", "", "", parite, uai, commune.title(), "", "", name, "01/05/1965", "", "COLLEGE", "",
    ]  # fmt: skip
    return ";".join(cells)


def official_file(*rows, header=HEADER, encoding="utf-8"):
    return ("\n".join((header, *rows)) + "\n").encode(encoding)


@pytest.fixture
def site(portal):
    """The portal with the two schools, as Manager."""
    with api.env.adopt_roles(["Manager"]):
        import_schools(portal["colleges"], csv_bytes(ASPET, AURIGNAC))
        yield portal
