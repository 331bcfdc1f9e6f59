"""Create the cases of benchmarks/cases.py inside Zope; never run by hand in var/.

Run as `zconsole run ZOPE_CONF benchmarks/cases_items.py COUNT SEED`, with ENT_VAR_DIR
pointing at the temporary instance folder that ZOPE_CONF was rendered for, the instance
stopped, and ENT_NOTIFICATIONS=0 (no worker and no mail in this process).

On the ENT site ENT_SITE_ID (with its demo aids), as the admin, in one process, committing
every BATCH cases: COUNT aid applications made by `ent.policy.cases.model.create_case`
(the path of a form's submission: checks, attachments as blobs, the applicant's Owner role,
indexing), spread over the demo aids and the schools, each by the demo parent of its school
(`{uai}.parent`), one in three with a small PDF attached; then `decide` moves a share of them
on (under review, accepted, refused with a reason), as a handler's screen does.

The directory is not running here: the applicant is given as an object with the demo
parent's id, name and address (what the served site reads from the directory).

Prints one line `BENCH-RESULT <json>`: the time and the cases by state.
"""

from Acquisition import aq_base
from pathlib import Path

import collections
import json
import os
import random
import sys
import time
import transaction


HERE = next(Path(arg).resolve().parent for arg in sys.argv if arg.endswith("cases_items.py"))
sys.path.insert(0, str(HERE))

from zope_sites import InSite  # noqa: E402
from zope_sites import script_args  # noqa: E402


BATCH = 500
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
#: (share, transitions from `received`, reason)
MOVES = (
    (0.40, (), ""),
    (0.30, ("review",), ""),
    (0.20, ("review", "accept"), ""),
    (0.10, ("review", "refuse"), "Les ressources du foyer dépassent le plafond de l'aide."),
)


class Applicant:
    """What create_case reads of the person who submits."""

    def __init__(self, uai):
        self.id = f"{uai}.parent"
        self.properties = {"fullname": f"Parent {uai.upper()}", "email": f"{self.id}@ent.example"}

    def getId(self):
        return self.id

    def getProperty(self, name, default=None):
        return self.properties.get(name, default)


def main(app):
    from ent.server import settings as settings_module

    count, seed = (int(value) for value in script_args("cases_items.py"))
    settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())
    rng = random.Random(seed)

    def say(message):
        print(f"cases_items: {message}", flush=True)

    with InSite(aq_base(app), settings, settings.site_id) as portal:
        from ent.policy.cases.model import create_case
        from ent.policy.cases.model import decide

        catalog = portal.portal_catalog
        uais = sorted(brain.school_uai for brain in catalog.unrestrictedSearchResults(portal_type="School"))
        aids = [brain._unrestrictedGetObject() for brain in catalog.unrestrictedSearchResults(portal_type="Aid")]
        if not aids:
            raise SystemExit("cases_items.py: the site has no Aid (was the demo loaded?)")
        before = len(catalog.unrestrictedSearchResults(portal_type="Case"))
        say(f"{count} cases over {len(aids)} aids and {len(uais)} schools; {before} before")
        started = time.perf_counter()
        moved = collections.Counter()
        for index in range(count):
            uai = rng.choice(uais)
            aid = rng.choice(aids)
            answers = [
                ("last_name", "Nom", f"Parent {uai.upper()}"),
                ("first_name", "Prénom", "Camille"),
                ("email", "Courriel", f"{uai}.parent@ent.example"),
                ("child", "Enfant", f"{uai}.student"),
                ("school", "Collège", uai),
                ("comments", "Commentaires", f"Demande de test n° {index} ({seed})."),
            ]
            files = (
                [("attachment_1", "Justificatif", "justificatif.pdf", PDF, "application/pdf")] if index % 3 == 0 else []
            )
            case = create_case("aid", aid, Applicant(uai), answers, files, school=uai)
            roll, share = rng.random(), 0.0
            for part, transitions, reason in MOVES:
                share += part
                if roll < share:
                    for transition in transitions:
                        decide(case, transition, reason if transition == "refuse" else "")
                    moved[transitions[-1] if transitions else "received"] += 1
                    break
            if (index + 1) % BATCH == 0:
                transaction.commit()
                say(f"{index + 1} cases")
        transaction.commit()
        seconds = time.perf_counter() - started
        states = collections.Counter(
            brain.review_state for brain in catalog.unrestrictedSearchResults(portal_type="Case")
        )
        result = {"count": count, "before": before, "seconds": seconds, "states": dict(states), "moves": dict(moved)}
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
