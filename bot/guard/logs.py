"""Log lines that request-derived text cannot forge, and no request bodies in the log.

Every record goes through one formatter: control characters in the message (a newline in a candidate
name, an unsigned body, a header) come out escaped, so one record is one line; the lines of a traceback
are indented, so none of them can pass for a record of its own.
"""

from __future__ import annotations

import logging
import re
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators some viewers break lines at.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Bolt's RequestVerification logs every rejected body in full at INFO: its records are dropped.
BODY_LOGGERS = ("slack_bolt.RequestVerification",)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape(text: str) -> str:
    """`text` with every control character written as an escape: it cannot start a new line."""
    return _CONTROL.sub(_escape_char, text)


class SafeFormatter(logging.Formatter):
    """A formatter whose message part is always one line; tracebacks are indented under it."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = escape(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802 - logging's name
        return _indent(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return _indent(super().formatStack(stack_info))


def _indent(text: str) -> str:
    return "\n".join("    | " + escape(line) for line in text.splitlines())


class DropBodies(logging.Filter):
    """Drops the records of loggers that write request bodies (Bolt's signature check)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name not in BODY_LOGGERS


def quiet_body_loggers() -> None:
    """Silence the loggers that would write request bodies (idempotent; Bolt resets their level)."""
    for name in BODY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropBodies) for f in logger.filters):
            logger.addFilter(DropBodies())


def configure(level: str | int) -> None:
    """The process's logging: one stderr handler with the safe formatter (what `loopbot` uses)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    handler.addFilter(DropBodies())
    logging.basicConfig(level=level, handlers=[handler])  # a no-op when the root has handlers (pytest)
    quiet_body_loggers()
