"""waitress's refusal of a body over ENT_MAX_UPLOAD_MB, with the ENT's 413.

waitress (`ent-instance`) refuses such a body itself, at the headers when a Content-Length
announces it, or while receiving a chunked body: the rest is never read. `EntChannel`
makes that answer the ENT's (waitress's own says "exceeds max_body of …"); the message
and headers are those of the WSGI filter of zope.ini (ent.policy.hardening.bodylimit),
which does the same under any other server.
"""

from ent.policy.hardening.bodylimit import MB
from ent.policy.hardening.bodylimit import too_large_message
from ent.policy.hardening.bodylimit import too_large_response
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import RequestEntityTooLarge


class BodyTooLargeError(RequestEntityTooLarge):
    """waitress's refusal of a body over the limit, with the ENT's message and headers."""

    def __init__(self, limit_bytes, accept="", path=""):
        super().__init__(too_large_message(limit_bytes))
        self.limit_bytes, self.accept, self.path = limit_bytes, accept, path

    def to_response(self, ident=None):
        status, headers, body = too_large_response(self.limit_bytes, self.accept, self.path)
        # waitress adds its own Content-Length and Connection.
        headers = [(name, value) for name, value in headers if name not in ("Content-Length", "Connection")]
        return status, headers, body


class EntRequestParser(HTTPRequestParser):
    def received(self, data):
        consumed = super().received(data)
        if isinstance(self.error, RequestEntityTooLarge) and not isinstance(self.error, BodyTooLargeError):
            # waitress refuses at max_request_body_size, which `waitress_limit` sets one
            # byte above the limit.
            self.error = BodyTooLargeError(
                self.adj.max_request_body_size - 1, self.headers.get("ACCEPT", ""), getattr(self, "path", "")
            )
        return consumed


class EntChannel(HTTPChannel):
    parser_class = EntRequestParser


def waitress_limit(max_upload_mb: int) -> int:
    """waitress's max_request_body_size for ENT_MAX_UPLOAD_MB: it refuses a body of that
    size or more, so one byte above the limit."""
    return max_upload_mb * MB + 1
