"""The outbox: mail waiting for the SMTP server, on disk, as a Maildir.

`var/mail/outbox` (ENT_MAIL_DIR) is a Maildir: each message is written to `tmp/`, then
renamed into `new/`, so the sender never reads half a message and a crash loses nothing
that was there. The sender deletes a message once the server has taken it; a message the
server refuses for good (5xx) goes to `var/mail/rejected/`. Any mail reader shows the
outbox (`mutt -f var/mail/outbox`); `ls var/mail/outbox/new | wc -l` counts what waits.

Names sort by priority, then time: a mail about one publication overtakes the thousands of
a daily digest.
"""
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path

import itertools
import os
import socket
import time


IMMEDIATE = 1
DIGEST = 5
_counter = itertools.count()


class Outbox:
    def __init__(self, mail_dir):
        self.root = Path(mail_dir) / "outbox"
        self.rejected = Path(mail_dir) / "rejected"
        self.new = self.root / "new"
        self.tmp = self.root / "tmp"

    def ensure(self):
        for folder in (self.new, self.tmp, self.root / "cur", self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def add(self, message, priority=IMMEDIATE) -> str:
        """Write `message` (an email.message.Message) for the sender; return its name."""
        name = f"{priority}.{time.time_ns()}.P{os.getpid()}Q{next(_counter)}.{socket.gethostname().replace('/', '_')}"
        data = message.as_bytes() if hasattr(message, "as_bytes") else bytes(message)
        path = self.tmp / name
        with open(path, "wb") as stream:
            stream.write(data)
        os.rename(path, self.new / name)
        return name

    def pending(self) -> list:
        """Names of the messages waiting, in sending order."""
        try:
            return sorted(entry.name for entry in os.scandir(self.new) if entry.is_file())
        except FileNotFoundError:
            return []

    def read(self, name):
        """(sender, recipients, bytes) of a waiting message, or None if it is gone."""
        try:
            data = (self.new / name).read_bytes()
        except FileNotFoundError:
            return None
        headers = BytesHeaderParser().parsebytes(data)
        sender = [address for _, address in getaddresses(headers.get_all("From", []))]
        recipients = [address for _, address in getaddresses(headers.get_all("To", [])) if address]
        return (sender[0] if sender else ""), recipients, data

    def delete(self, name):
        try:
            (self.new / name).unlink()
        except FileNotFoundError:
            pass

    def reject(self, name) -> Path:
        """Move a message the server refused for good out of the way; return where."""
        self.rejected.mkdir(parents=True, exist_ok=True)
        target = self.rejected / name
        os.replace(self.new / name, target)
        return target

    def count(self) -> int:
        return len(self.pending())

    def rejected_count(self) -> int:
        try:
            return sum(1 for entry in os.scandir(self.rejected) if entry.is_file())
        except FileNotFoundError:
            return 0
