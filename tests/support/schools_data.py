"""Rows of the schools file (the Education ministry's open data), and a school added as the
add form does, shared by the tests."""

from plone import api
from plone.dexterity.utils import createContentInContainer


HEADER = (
    "uai,name,address_1,address_2,address_3,postal_code,insee_code,commune,phone,website,email,"
    "catering,boarding,segpa,ulis,priority_education,latitude,longitude,status"
)
ASPET = "0310001H,Collège Armand Latour,Quartier Fontagnères,,,31160,31020,Aspet,05 61 88 40 80,http://armand-latour.ecollege.haute-garonne.fr/,0310001h@ac-toulouse.fr,1,0,0,1,,43.02,0.79,OUVERT"
AURIGNAC = "0310003K,Collège Emile-Paul Vayssie,Avenue de Benabarre,,,31420,31028,Aurignac,05 61 90 80 60,http://www.collegeaurignac.fr,0310003k@ac-toulouse.fr,1,0,0,1,REP,43.21,0.88,OUVERT"


def csv_bytes(*rows, header=HEADER):
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


def add_school(portal, uai="0310001H", title="Collège Armand Latour", **values):
    """Add a school as the add form and the REST API do: no id given, the name chooser picks it."""
    with api.env.adopt_roles(["Manager"]):
        return createContentInContainer(portal["colleges"], "School", title=title, uai=uai, **values)
