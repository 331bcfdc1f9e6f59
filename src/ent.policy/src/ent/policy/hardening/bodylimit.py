"""Request bodies bounded by ENT_MAX_UPLOAD_MB: a 413 with a message, before the body is read.

Two guards, one message:
- waitress (`ent-instance`) refuses a body over the limit itself, at the headers when a
  Content-Length announces it, or while receiving a chunked body: the rest is never read.
  `EntChannel` makes that answer ours (waitress's own says "exceeds max_body of …").
- `BodyLimit`, a WSGI filter in the pipeline of zope.ini, does the same for any other
  server (`runwsgi`): the Content-Length is checked before the body is touched; a body
  without one (chunked) is counted while it is read and refused past the limit.
"""

from .headers import security_headers
from tempfile import SpooledTemporaryFile
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import RequestEntityTooLarge

import json


DEFAULT_MAX_UPLOAD_MB = 50
MB = 1024 * 1024
CHUNK = 64 * 1024


def too_large_message(limit_bytes: int) -> str:
    return f"Envoi trop volumineux : {limit_bytes // MB} Mo au plus (ENT_MAX_UPLOAD_MB). Rien n'a été enregistré."


def wants_json(accept: str, path: str) -> bool:
    return "json" in (accept or "") or "++api++" in (path or "")


def too_large_response(limit_bytes, accept, path, environ=None):
    """Status, headers and body of the 413 answer (JSON for REST clients, else text)."""
    message = too_large_message(limit_bytes)
    if wants_json(accept, path):
        body = json.dumps({"error": {"type": "Payload Too Large", "message": message}}).encode()
        content_type = "application/json"
    else:
        body = message.encode("utf-8")
        content_type = "text/plain; charset=utf-8"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Connection", "close")]
    headers += list(security_headers(environ or {}).items())
    return "413 Payload Too Large", headers, body


class BodyLimit:
    """WSGI filter: refuse a request body over `max_bytes` with a 413."""

    def __init__(self, app, max_bytes):
        self.app = app
        self.max_bytes = max_bytes

    def refuse(self, environ, start_response):
        status, headers, body = too_large_response(
            self.max_bytes, environ.get("HTTP_ACCEPT", ""), environ.get("PATH_INFO", ""), environ
        )
        start_response(status, headers)
        return [body]

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH", "").strip()
        if length:
            try:
                too_large = int(length) > self.max_bytes
            except ValueError:
                too_large = False  # the server or Zope answers a bad header
            if too_large:
                return self.refuse(environ, start_response)
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self.read_bounded(environ["wsgi.input"])
            if body is None:
                return self.refuse(environ, start_response)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(body.seek(0, 2))
            body.seek(0)
        return self.app(environ, start_response)

    def read_bounded(self, stream):
        """The body in a spooled file (on disk past 1 MB), or None past max_bytes."""
        body = SpooledTemporaryFile(max_size=MB)
        total = 0
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                return body
            total += len(chunk)
            if total > self.max_bytes:
                body.close()
                return None
            body.write(chunk)


def filter_factory(global_conf, max_upload_mb=str(DEFAULT_MAX_UPLOAD_MB)):
    """paste.deploy: `[filter:bodylimit]` in zope.ini, `max_upload_mb = …`."""
    max_bytes = int(max_upload_mb) * MB

    def make_filter(app):
        return BodyLimit(app, max_bytes)

    return make_filter


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
