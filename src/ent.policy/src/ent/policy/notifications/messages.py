"""The mails, in French: one publication (immediate), or the day's publications (digest).

Plain text, with the item's title, its school and its address; nothing else (no content,
no audience, nothing a forwarded mail should not carry). The digest groups items by school,
schools in alphabetical order, the County's items last.
"""

from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import formataddr
from email.utils import make_msgid
from ent.policy.dates import french_date
from ent.policy.dates import french_datetime
from ent.policy.dates import local
from ent.policy.feed import COUNTY_TITLE

import datetime
import functools
import socket


TYPE_TITLES = {
    "News Item": "Actualité",
    "Event": "Événement",
    "Document": "Page",
    "Announcement": "Annonce",
}
PREFERENCES_VIEW = "@@notifications-preferences"


@functools.lru_cache(maxsize=1)
def host_name() -> str:
    """This host's name for Message-IDs, looked up once (it may cost a DNS query)."""
    return socket.getfqdn() or "localhost"


def school_label(entry) -> str:
    return entry.get("origin_title") or COUNTY_TITLE


def _message(sender, person, subject, body, site_url):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((person.fullname or "", person.email))
    message["Subject"] = subject
    # The site's clock, as in the body (the server's own zone may be another).
    message["Date"] = format_datetime(local(datetime.datetime.now(datetime.UTC)))
    message["Message-ID"] = make_msgid(domain=host_name())
    # Tells auto-responders not to answer, and mail clients how to stop these mails.
    message["Auto-Submitted"] = "auto-generated"
    if site_url:
        message["List-Unsubscribe"] = f"<{site_url}/{PREFERENCES_VIEW}>"
    message.set_content(body, charset="utf-8")
    return message


def footer(site_url, reason):
    lines = ["", "-- ", reason]
    if site_url:
        lines.append(f"Pour changer : {site_url}/{PREFERENCES_VIEW}")
    return lines


def describe(entry, indent=""):
    lines = [f"{indent}{entry['title']}"]
    if entry.get("description"):
        lines.append(f"{indent}{entry['description']}")
    kind = TYPE_TITLES.get(entry.get("portal_type"), "Publication")
    lines.append(f"{indent}{kind}, publiée le {french_datetime(entry['published_at'])}")
    lines.append(f"{indent}{entry['url']}")
    return lines


def immediate_message(entry, person, sender):
    """The mail telling `person` of one publication."""
    school = school_label(entry)
    subject = f"[{school}] {entry['title']}"
    lines = [
        f"Bonjour {person.fullname or person.id},",
        "",
        f"Nouvelle publication sur l'ENT ({school}) :",
        "",
        *describe(entry, "  "),
        *footer(
            entry.get("site_url"),
            "Vous recevez ce courriel car vous avez demandé à être prévenu(e) de chaque publication.",
        ),
    ]
    return _message(sender, person, subject, "\n".join(lines) + "\n", entry.get("site_url"))


def by_school(entries):
    """[(school title, entries)], schools alphabetically, then the County's items."""
    groups = {}
    for entry in sorted(entries, key=lambda e: e["published_at"]):
        key = (1, COUNTY_TITLE) if entry.get("origin") in (None, "county") else (0, school_label(entry))
        groups.setdefault(key, []).append(entry)
    return [(title, groups[(rank, title)]) for rank, title in sorted(groups)]


def digest_message(entries, person, sender, site_url, day=None):
    """The daily mail listing `entries` for `person`, grouped by school."""
    day = day or local(datetime.datetime.now(datetime.UTC)).date()
    count = len(entries)
    subject = (
        f"ENT : {count} nouvelle{'s' if count > 1 else ''} publication{'s' if count > 1 else ''} ({french_date(day)})"
    )
    lines = [f"Bonjour {person.fullname or person.id},", "", "Les publications de l'ENT qui vous concernent :"]
    for title, items in by_school(entries):
        lines += ["", title, "=" * len(title), ""]
        for entry in items:
            lines += ["- " + describe(entry)[0], *describe(entry, "  ")[1:], ""]
    lines += footer(site_url, "Vous recevez ce résumé quotidien, le choix par défaut.")
    return _message(sender, person, subject, "\n".join(lines) + "\n", site_url)
