"""The sender: a thread that delivers the outbox to the SMTP server.

One SMTP connection carries every waiting message (the daily digest is tens of thousands).
When the server is down or refuses the connection, the mail stays in the outbox, one line
says so (not one traceback per message), and the sender tries again after 1 s, 2 s, 4 s…
up to ENT_SMTP_RETRY_MAX; the first delivery after an outage says so too. A message the
server refuses for good (5xx) is moved to `rejected/` with one log line; a temporary refusal
(4xx) leaves it for the next pass. A message is taken out of `new/` before it is sent and
deleted once the server has it; one a killed sender had taken is never sent again (see
`outbox`): at most once.

zope.sendmail's queue processor is not used: on a refused connection it leaves a lock file
that delays the next try by hours, and logs a traceback per message.
"""

import logging
import re
import smtplib
import threading
import time


logger = logging.getLogger("ent.policy.notifications")
#: Seconds to connect and for each SMTP reply: a hung server must not hold `make stop` long.
CONNECT_TIMEOUT = 10
LINE_END = re.compile(rb"\r?\n")


class Sender(threading.Thread):
    def __init__(self, outbox, host, port, retry_max=60.0, poll=10.0, clock=time.time):
        super().__init__(name="ent-mail-sender", daemon=True)
        self.clock = clock
        self.outbox = outbox
        self.host = host
        self.port = port
        self.retry_max = retry_max
        self.poll = poll
        self.delay = 0.0
        self.down_since = None
        self.sent = 0
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._temporary = set()

    def wake(self):
        self._wake.set()

    def stop(self, timeout=30):
        self._halt.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)

    def run(self):
        while not self._halt.is_set():
            try:
                self.deliver()
            except Exception:  # the sender must outlive any surprise; the mail stays
                logger.exception("mail sender: unexpected error; the outbox is kept")
                self._failed_pass()
            if self.delay:
                self._halt.wait(self.delay)
            else:
                self._wake.wait(self.poll)
            self._wake.clear()

    def _failed_pass(self):
        self.delay = min(max(self.delay * 2, min(1.0, self.retry_max)), self.retry_max)

    def _down(self, error):
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning(
                "SMTP server %s:%s unavailable (%s): %d message(s) kept in %s; retrying",
                self.host,
                self.port,
                error or type(error).__name__,
                self.outbox.count(),
                self.outbox.new,
            )
        self._failed_pass()

    def _up(self, sent):
        if self.down_since is not None:
            logger.info(
                "SMTP server %s:%s is back after %.0f s", self.host, self.port, time.monotonic() - self.down_since
            )
            self.down_since = None
        self.delay = 0.0
        if sent:
            logger.info("mail sender: %d message(s) delivered to %s:%s", sent, self.host, self.port)

    def deliver(self) -> int:
        """One pass: send what waits over one connection; return how many went.

        Each message is taken (new/ → cur/) before it is sent and deleted once the server
        has it: a sender killed in between leaves it in cur/, where `set_aside_interrupted`
        finds it at the next pass of a sender and keeps it from being sent twice."""
        self.outbox.set_aside_interrupted(self.clock())
        names = self.outbox.pending()
        if not names:
            return 0
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=CONNECT_TIMEOUT)
        except (OSError, smtplib.SMTPException) as error:
            self._down(error)
            return 0
        sent = 0
        temporary = 0
        taken = None
        try:
            for name in names:
                if self._halt.is_set():
                    break
                if not self.outbox.take(name):
                    continue  # another sender has it
                taken = name
                message = self.outbox.read(name, self.outbox.cur)
                if message is None:
                    taken = None
                    continue
                sender, recipients, data = message
                # The Maildir holds lines ending in LF; SMTP wants CRLF (smtplib sends bytes as they are).
                data = LINE_END.sub(b"\r\n", data)
                if not recipients:
                    taken = None
                    self._reject(name, "no recipient")
                    continue
                try:
                    smtp.sendmail(sender, recipients, data)
                except smtplib.SMTPRecipientsRefused as error:
                    codes = [code for code, _ in error.recipients.values()]
                    if codes and all(code >= 500 for code in codes):
                        self._reject(
                            name,
                            "; ".join(
                                f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
                            ),
                        )
                    else:
                        self.outbox.put_back(name)
                        temporary += self._temporary_failure(name, error)
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                    if error.smtp_code >= 500:
                        self._reject(name, f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}")
                    else:
                        self.outbox.put_back(name)
                        temporary += self._temporary_failure(name, error)
                else:
                    self.delivered(name)
                    sent += 1
                taken = None
        except (OSError, smtplib.SMTPException) as error:
            # The server did not say it took the message in flight: it waits for the next try.
            if taken is not None:
                self.outbox.put_back(taken)
            self.sent += sent
            if sent:
                logger.info("mail sender: %d message(s) delivered before the connection failed", sent)
            self._down(error)
            return sent
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        self.sent += sent
        self._up(sent)
        if temporary:
            self._failed_pass()
        return sent

    def delivered(self, name):
        """The server has the message: it leaves the outbox."""
        self.outbox.delete(name)
        self._temporary.discard(name)

    def _reject(self, name, reason):
        target = self.outbox.reject(name)
        self._temporary.discard(name)
        logger.warning("SMTP server refused a message for good (%s): moved to %s", reason, target)

    def _temporary_failure(self, name, error):
        if name not in self._temporary:
            self._temporary.add(name)
            logger.info("SMTP server deferred a message (%s); it stays in the outbox", error)
        return 1
