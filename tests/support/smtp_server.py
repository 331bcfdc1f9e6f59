"""A real SMTP server on loopback for the notification tests (aiosmtpd), that a test stops
and starts again on the same port, as a mail server that goes down and comes back."""

from aiosmtpd.controller import Controller
from email import message_from_bytes
from email import policy
from support.instance_process import free_port

import threading
import time


class Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            self.server.sessions.add(id(session))
            self.server.messages.append(
                (
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.sessions = set()
        self.refuse = set()
        self.lock = threading.Lock()
        self.controller = None

    def start(self):
        self.controller = Controller(Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        with self.lock:
            return [message for _, recipients, message in self.messages if address in recipients]

    def wait_for(self, count, timeout=60):
        """Poll until `count` messages have arrived (no timing is asserted)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.1)
        raise AssertionError(f"{len(self.messages)} message(s) arrived within {timeout} s, expected {count}")
