"""The WSGI gate in front of Bolt: a body cap before anything is read, the signature before any parsing.

Bolt's own adapter reads and decodes the whole body, parses it, and only then checks the signature
(logging every rejected body in full); a non-numeric timestamp or an unparsable body ends in a 500.
Here, in order: the declared length is capped (413, nothing read), at most that many bytes are read,
the signature is checked on the raw bytes with slack_sdk's SignatureVerifier (401), the body is parsed
once, by Bolt's own BoltRequest, and the payload's shape checked (400). Only then does Bolt dispatch
it. Every refusal is one INFO line naming why, never the body.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from bot.guard import envelope

log = logging.getLogger("loopbot.requests")

# The largest request loopbot can legitimately receive is a feedback modal's submission: every text
# input filled to its 3000-character max_length with characters that take 3 bytes in UTF-8, then
# percent-encoded as Slack's form body does (9 bytes a character). For the example content that is
# 219,425 bytes (tests/wiring/test_hostile_requests.py measures it); the cap is about 4.8 times that.
MAX_BODY = 1 << 20
_TIMESTAMP = re.compile(r"[0-9]{1,12}\Z")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}\Z")

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Refused(Exception):
    """The request is answered here with `status`; `reason` goes into the log line."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _length(environ: dict[str, Any], most: int) -> int:
    raw = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not raw.isdigit() or len(raw) > 19:
        raise Refused(400, "content-length is not a number")
    length = int(raw)
    if length > most:
        raise Refused(413, f"body of {length} bytes is over the {most}-byte cap")
    return length


def _read(environ: dict[str, Any], length: int) -> bytes:
    """Exactly `length` bytes of the body (a WSGI server may return fewer per read)."""
    stream = environ.get("wsgi.input")
    chunks: list[bytes] = []
    left = length
    while left > 0 and stream is not None:
        chunk = stream.read(min(left, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left:
        raise Refused(400, "body shorter than its content-length")
    return b"".join(chunks)


def _verify(verifier: SignatureVerifier, headers: dict[str, Any], raw: bytes) -> None:
    timestamp = str(headers.get("x-slack-request-timestamp") or "")
    signature = str(headers.get("x-slack-signature") or "")
    if not _TIMESTAMP.match(timestamp):
        raise Refused(401, "no numeric X-Slack-Request-Timestamp")
    if not _SIGNATURE.match(signature):
        raise Refused(401, "no X-Slack-Signature of the v0 form")
    try:
        valid = verifier.is_valid(raw, timestamp, signature)
    except UnicodeDecodeError:  # the verifier decodes as UTF-8; Slack signs only UTF-8 bodies
        valid = False
    if not valid:
        raise Refused(401, "bad or stale signature")


def _request(raw: bytes, headers: dict[str, Any], query: str) -> BoltRequest:
    """Bolt's request for the body, once it parses (Bolt parses it, once) into a payload of a known shape."""
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body does not parse") from None
    request = BoltRequest(body=body, query=query, headers=headers)  # raises on what does not parse
    if not request.body and body:
        _reparse_form(request, body)
    found = envelope.problem(request.body)
    if found:
        raise Refused(400, found)
    return request


def _reparse_form(request: BoltRequest, body: str) -> None:
    """A form body Bolt read as {}: its parser takes the word "payload" anywhere in the text for an
    interaction's `payload=` field (slack_bolt/request/internals.py `parse_body`), so a slash command
    from #payload-team, or `/loop status payload`, would reach no listener. Such a body without a
    `payload` field is read as the plain form it is."""
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if fields and "payload" not in fields:
        request.body = fields
        request.context = build_context(BoltContext(), fields)


def _answer(start_response: Callable[..., Any], status: int, body: str = "") -> Iterable[bytes]:
    response = WsgiHttpResponse(
        status=status, headers={"content-type": ["text/plain;charset=utf-8"]}, body=body
    )
    start_response(response.status, response.get_headers())
    return response.get_body()


def slack_endpoint(app: App, signing_secret: str, max_body: int = MAX_BODY) -> Wsgi:
    """POST /slack/events: capped, verified and parsed here, then dispatched to the Bolt app."""
    verifier = SignatureVerifier(signing_secret or "unset")

    def endpoint(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, 405, "Method Not Allowed")
        wsgi_request = WsgiHttpRequest(environ)
        headers = wsgi_request.get_headers()
        try:
            raw = _read(environ, _length(environ, max_body))
            _verify(verifier, headers, raw)
            request = _request(raw, headers, wsgi_request.query_string)
        except Refused as refused:
            log.info("request.refused status=%d reason=%s", refused.status, refused.reason)
            return _answer(start_response, refused.status)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            # Bolt's parsing of the body (JSON or form), or of the payload into its context
            # (build_context), refused what it read; the envelope check has not run yet.
            log.info("request.refused status=400 reason=unreadable payload (%s)", type(exc).__name__)
            return _answer(start_response, 400)
        response = app.dispatch(request)
        answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(answer.status, answer.get_headers())
        return answer.get_body()

    return endpoint
