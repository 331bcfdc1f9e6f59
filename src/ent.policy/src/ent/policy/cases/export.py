"""`@@cases-export?format=csv|xlsx&<the screen's filters>`: the cases a handler handles under
a case folder, one row per case with each answer, for a spreadsheet.

CSV is UTF-8 with a BOM and `;` between cells (what a French spreadsheet opens without
asking); XLSX is written by openpyxl in write-only mode. Both go through a temporary file
streamed to the browser, and the cases are put back to sleep as they are read: 10,000 cases
hold neither the workbook nor the cases in memory, only the rows' text.

A cell whose text starts with `=`, `+`, `-`, `@` (or a tab or carriage return) would be a
formula to the spreadsheet: an applicant's answer must stay text (OWASP's CSV injection),
so it gets a leading apostrophe.
"""

from ent.policy.cases.model import WORKFLOW
from ent.policy.cases.screen import case_query
from ent.policy.cases.screen import CaseFilterError
from ent.policy.cases.screen import handled_kinds
from ent.policy.cases.screen import state_title
from ent.policy.csvfiles import neutralised
from ent.policy.dates import local
from ent.policy.feed import school_titles
from ent.policy.i18n import _
from openpyxl import Workbook
from plone import api
from Products.Five.browser import BrowserView
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.i18n import translate
from ZPublisher.Iterators import filestream_iterator

import csv
import datetime
import os
import tempfile


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Cases read between two cleanings of the database connection's cache.
CACHE_EVERY = 200

HEADERS = (
    _("export_reference", default="Reference"),
    _("export_submitted", default="Submission date"),
    _("export_applicant", default="Applicant"),
    _("export_email", default="E-mail"),
    _("export_source", default="Aid or form"),
    _("export_school", default="School"),
    _("export_state", default="Status"),
    _("export_decided", default="Last decision date"),
    _("export_reason", default="Reason"),
)


def spreadsheet_date(value) -> str:
    moment = local(value)
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


def answer_text(value) -> str:
    """An answer (text, date, list of text) as one cell's text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(answer_text(item) for item in value)
    if isinstance(value, datetime.datetime):
        return spreadsheet_date(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def case_answers(case) -> list:
    """The case's answers as `(name, label, value)`, as `create_case` received them."""
    return list(getattr(case, "answers", None) or ())


def last_decision(case):
    """The workflow history's last step after the submission, None before any decision.
    Read here rather than through `model.history`, which looks up each actor's name: an
    export of 10,000 cases needs no name."""
    steps = (getattr(case, "workflow_history", None) or {}).get(WORKFLOW, ())
    return steps[-1] if len(steps) > 1 else None


class ApplicantEmails:
    """A case's applicant's e-mail: the one the case keeps, else the directory's, asked once
    per applicant (an applicant of many cases is one look-up)."""

    def __init__(self):
        self.known = {}

    def __call__(self, case, brain):
        kept = getattr(case, "applicant_email", None)
        if kept:
            return kept
        userid = getattr(brain, "case_applicant", None) or getattr(case, "applicant", None) or ""
        if userid not in self.known:
            user = api.user.get(userid=userid) if userid else None
            self.known[userid] = (user.getProperty("email") or "") if user is not None else ""
        return self.known[userid]


def export_rows(brains, request):
    """(header, rows): one row per case of `brains`, each answer in its own column (the
    columns of every answer label met, in the order met)."""
    titles = school_titles()
    emails = ApplicantEmails()
    columns = {}
    rows = []
    for count, brain in enumerate(brains, 1):
        case = brain.getObject()
        last = last_decision(case)
        school = brain.case_school or ""
        fixed = [
            brain.case_reference,
            spreadsheet_date(brain.created),
            brain.case_applicant_name,
            emails(case, brain),
            brain.case_source_title,
            titles.get(school, school),
            state_title(brain.review_state),
            spreadsheet_date(last.get("time")) if last else "",
            (last.get("comments") or "") if last else "",
        ]
        answers = {}
        for name, label, value in case_answers(case):
            key = label or name
            columns.setdefault(key, len(columns))
            answers[columns[key]] = answer_text(value)
        rows.append((fixed, answers))
        # Back to a ghost: the rows keep text, the connection's cache keeps no case.
        case._p_deactivate()
        if count % CACHE_EVERY == 0 and case._p_jar is not None:
            case._p_jar.cacheGC()
    header = [translate(title, context=request) for title in HEADERS] + list(columns)
    width = len(columns)

    def cells():
        for fixed, answers in rows:
            yield [neutralised(value) for value in fixed + [answers.get(index, "") for index in range(width)]]

    return [neutralised(title) for title in header], cells()


def write_csv(path, header, rows):
    # utf-8-sig: the BOM tells a spreadsheet the file is UTF-8.
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path, header, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def export_file(brains, format, request) -> str:
    """Write the export of `brains` to a temporary file; returns its path (the caller
    removes it)."""
    header, rows = export_rows(brains, request)
    handle, path = tempfile.mkstemp(prefix="ent-cases-", suffix=f".{format}")
    os.close(handle)
    try:
        WRITERS[format](path, header, rows)
    except BaseException:
        os.unlink(path)
        raise
    return path


def file_name(format, now=None) -> str:
    day = local(now or datetime.datetime.now(datetime.UTC)).date()
    return f"dossiers-{day.isoformat()}.{format}"


class CasesExport(BrowserView):
    """The export of the screen's cases (same filters, every page)."""

    def __call__(self):
        kinds = handled_kinds(within=self.context)
        if not kinds:
            raise NotFound("cases-export")
        form = self.request.form
        format = form.get("format") or "csv"
        if format not in FORMATS:
            raise BadRequest("format: csv or xlsx")
        try:
            query = case_query(form, kinds=kinds)
        except CaseFilterError as error:
            raise BadRequest(translate(error.args[0], context=self.request)) from None
        query["path"] = "/".join(self.context.getPhysicalPath())
        brains = api.portal.get_tool("portal_catalog")(**query)
        path = export_file(brains, format, self.request)
        stream = filestream_iterator(path, "rb")
        # The open stream keeps the data; the name can go now.
        os.unlink(path)
        response = self.request.response
        response.setHeader("Content-Type", FORMATS[format])
        response.setHeader("Content-Disposition", f'attachment; filename="{file_name(format)}"')
        response.setHeader("Content-Length", str(len(stream)))
        response.setHeader("Cache-Control", "no-store")
        return stream
