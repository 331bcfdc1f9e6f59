"""The export of a person's data: a ZIP of `donnees.json` (everything as data) and `fichiers/`
(the files they uploaded, their cases' attachments), made from `ent.policy.gdpr.person`.

Who may ask is decided by `may_export`: the person themself, or a site administrator
(`cmf.ManagePortal`); anyone else is refused (`ExportRefused`)."""

from . import person
from Acquisition import aq_base
from ent.policy.dates import local_iso
from plone import api
from ZPublisher.Iterators import filestream_iterator

import datetime
import json
import os
import posixpath
import re
import shutil
import tempfile
import zipfile


class ExportRefused(Exception):
    """Someone who is neither the person nor an administrator; `str()` is the French line."""


REFUSED = "Seul·e la personne concernée ou un administrateur du site peut exporter ces données."
FILE_FIELDS = ("file", "image")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def may_export(userid, asker=None) -> bool:
    asker = asker if asker is not None else api.user.get_current()
    if asker is None or api.user.is_anonymous():
        return False
    if asker.getId() == userid:
        return True
    return bool(api.user.has_permission("Manage portal", user=asker, obj=api.portal.get()))


def _date(value):
    if value is None:
        return None
    if hasattr(value, "asdatetime"):
        value = value.asdatetime()
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.UTC)
    try:
        return local_iso(value)
    except Exception:
        return str(value)


def _path(obj):
    site_path = api.portal.get().getPhysicalPath()
    return "/" + "/".join(obj.getPhysicalPath()[len(site_path) :])


def _file_name(prefix, index, filename):
    name = SAFE_NAME.sub("_", filename or "fichier").strip("._") or "fichier"
    return posixpath.join("fichiers", prefix, f"{index:04d}-{name}")


class Export:
    """Gathers the data (`data`) and the files to add (`files`: zip name → blob)."""

    def __init__(self, userid, site=None):
        self.userid = userid
        self.site = site or api.portal.get()
        self.files = {}
        self.data = self.gather()

    def add_file(self, prefix, blob):
        name = _file_name(prefix, len(self.files) + 1, getattr(blob, "filename", ""))
        self.files[name] = blob
        return name

    def item(self, obj):
        record = {
            "path": _path(obj),
            "type": obj.portal_type,
            "title": obj.Title(),
            "description": obj.Description(),
            "created": _date(obj.created()),
            "modified": _date(obj.modified()),
            "state": api.content.get_state(obj, default=None),
        }
        text = getattr(aq_base(obj), "text", None)
        if hasattr(text, "raw"):
            record["text"] = text.raw
        audience = getattr(aq_base(obj), "audience", None)
        if audience:
            record["audience"] = list(audience)
        files = []
        for name in FILE_FIELDS:
            blob = getattr(aq_base(obj), name, None)
            if blob is not None and hasattr(blob, "open"):
                files.append(self.add_file("contenus", blob))
        if files:
            record["files"] = files
        return record

    def comment(self, comment):
        conversation = comment.__parent__
        item = getattr(conversation, "__parent__", None)
        return {
            "on": _path(item) if item is not None else None,
            "text": comment.text,
            "author_name": comment.author_name,
            "created": _date(comment.creation_date),
            "modified": _date(comment.modification_date),
        }

    def case(self, case):
        from ent.policy.cases.model import history

        attachments = []
        for name, stored in (case.attachments or {}).items():
            attachments.append(
                {
                    "name": name,
                    "label": stored.get("label"),
                    "filename": stored.get("filename"),
                    "content_type": stored.get("content_type"),
                    "size": stored.get("size"),
                    "file": self.add_file("dossiers", stored["file"]) if stored.get("file") is not None else None,
                }
            )
        # The person's own steps keep their name; the County's handlers stay "Les services du
        # Département", as on the case's page and in REST (cases.rest): who handled a case is
        # not the person's data.
        from ent.policy.cases.rest import COUNTY

        steps = []
        for step in history(case):
            if step["actor"] != case.applicant:
                step = dict(step, actor="", actor_name=COUNTY)
            steps.append(_jsonable(step))
        return {
            "reference": case.reference,
            "kind": case.kind,
            "about": case.source_title,
            "school": case.school,
            "state": api.content.get_state(case, default=None),
            "created": _date(case.created()),
            "applicant_name": case.applicant_name,
            "applicant_email": case.applicant_email,
            "answers": [
                {"name": name, "label": label, "value": value if isinstance(value, str) else _jsonable(value)}
                for name, label, value in case.answers
            ],
            "attachments": attachments,
            "history": steps,
        }

    def gather(self) -> dict:
        userid, site = self.userid, self.site
        with api.env.adopt_roles(["Manager"]):
            preference = person.notification_preference(userid, site)
            login = person.login_record(userid, site)
            token = None
            try:
                from ent.policy.agenda import subscription_token

                token = subscription_token(userid)
            except Exception:
                token = None
            return {
                "exported": local_iso(datetime.datetime.now(datetime.UTC)),
                "site": site.absolute_url(),
                "account": person.account(userid) or {"userid": userid},
                "content": [self.item(obj) for obj in person.authored(userid)],
                "comments": [self.comment(comment) for comment in person.comments(userid)],
                "cases": [self.case(case) for case in person.cases(userid)],
                "form_submissions": [
                    {"form": _path(form), "form_title": form.Title(), "row": _jsonable(dict(row))}
                    for form, _name, _key, row in person.form_rows(userid, (person.account(userid) or {}).get("email"))
                ],
                "spaces": [
                    {"path": _path(space), "title": space.Title(), "role": role}
                    for space, role in person.spaces(userid)
                ],
                "space_visits": {uid: _date(when) for (_user, uid), when in person.space_visits(userid, site).items()},
                "notification_preference": (
                    {"choice": preference[0], "changed": _date(preference[1])} if preference else {"choice": "digest"}
                ),
                "agenda_subscription": {
                    "exists": token is not None,
                    "note": "Adresse d'abonnement calculée à la demande, jamais enregistrée.",
                },
                "failed_logins": _jsonable(login) if login is not None else None,
            }

    def write(self, stream):
        """Write the ZIP to `stream` (a file open for writing bytes)."""
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("donnees.json", json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=True))
            for name, blob in sorted(self.files.items()):
                with blob.open() as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)

    def response_body(self, response):
        """Write the ZIP to a temporary file and set `response` to download it; returns the
        stream to publish (the open file keeps the data once its name is gone)."""
        handle, path = tempfile.mkstemp(prefix="ent-gdpr-", suffix=".zip")
        try:
            with os.fdopen(handle, "wb") as stream:
                self.write(stream)
            body = filestream_iterator(path, "rb")
        finally:
            os.unlink(path)
        response.setHeader("Content-Type", "application/zip")
        response.setHeader("Content-Disposition", f'attachment; filename="{self.filename}"')
        response.setHeader("Content-Length", str(len(body)))
        response.setHeader("Cache-Control", "private, no-store")
        return body

    @property
    def filename(self):
        return f"donnees-{SAFE_NAME.sub('_', self.userid)}.zip"


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "filename"):
        return getattr(value, "filename", None)
    if isinstance(value, (datetime.date, datetime.datetime)) or hasattr(value, "asdatetime"):
        return _date(value)
    return str(value)


def export_person(userid, asker=None) -> Export:
    """The export of `userid`'s data for `asker` (default: the current user); raises
    ExportRefused for anyone else than the person or an administrator."""
    userid = userid.strip() if isinstance(userid, str) else ""
    if not userid or not may_export(userid, asker):
        raise ExportRefused(REFUSED)
    # The account's own id, as the content and the cases record it: a login typed in another
    # case or with spaces found the account but none of its data. A person the directory no
    # longer knows (deactivated, not erased yet) is exported by the id as given.
    user = api.user.get(userid=userid) or api.user.get(username=userid)
    return Export(user.getId() if user is not None else userid)
