"""Headless Chromium for tests of HTML pages, and a small PNG reader to compare screenshots.

The `browser` fixture launches Debian's Chromium through playwright (it never downloads a browser).
Without one, tests that use it skip with a one-line reason, or fail with it when LOOPBOT_REQUIRE_BROWSER=1
(CI sets it). The PNG reader is the standard library only (zlib): 8-bit greyscale, RGB and RGBA, the
kinds a browser's screenshots are.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import pytest

REQUIRE = "LOOPBOT_REQUIRE_BROWSER"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> None:
    """Fail with `reason` when a browser is required, else skip with it."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} ({REQUIRE}=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (a playwright `Browser`) for the whole session."""
    try:
        from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415 - only when a test needs it
    except ImportError:
        _unavailable("the playwright package is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium on PATH (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        except Error as exc:
            _unavailable(f"Chromium at {path} did not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


@dataclass
class Visit:
    """An open page with what it asked for and what it complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm() messages, dismissed

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def visit(browser: Any, url: str, width: int = 1200, height: int = 760) -> Visit:
    """Open `url` in a fresh page of a fixed size, recording requests, console and page errors, dialogs."""
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    seen = Visit(page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda msg: seen.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on("dialog", seen._dialog)
    page.goto(url)
    return seen


@dataclass(frozen=True)
class Image:
    """Decoded pixels: RGBA, 8 bits a channel, rows top to bottom."""

    width: int
    height: int
    rgba: bytes

    def row(self, y: int) -> bytes:
        return self.rgba[y * self.width * 4 : (y + 1) * self.width * 4]


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> channels


def _add(a: bytes, b: bytes) -> bytes:
    """Bytewise (a + b) mod 256, on whole rows at once (no carry crosses a byte)."""
    n = len(a)
    low, high = int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big")
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def _unfilter(kind: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    if kind == 0:
        return line
    if kind == 2:
        return _add(line, prev)
    out = bytearray(line)
    if kind == 1:
        for c in range(bpp):
            out[c::bpp] = bytes(v & 255 for v in accumulate(line[c::bpp]))
        return bytes(out)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 3:
            out[i] = (out[i] + ((left + up) >> 1)) & 255
            continue
        corner = prev[i - bpp] if i >= bpp else 0
        p = left + up - corner
        pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
        out[i] = (out[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
    return bytes(out)


def _chunks(data: bytes) -> tuple[bytes, bytes]:
    """The IHDR body and all IDAT data of a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    return header, bytes(idat)


def _rgba(pixels: bytes, channels: int, count: int) -> bytes:
    """Greyscale (with or without alpha) or RGB pixels as RGBA."""
    if channels == 4:
        return pixels
    out = bytearray(count * 4)
    out[3::4] = b"\xff" * count
    for c in range(3):
        out[c::4] = pixels[(0 if channels < 3 else c) :: channels]
    if channels == 2:
        out[3::4] = pixels[1::2]
    return bytes(out)


def decode_png(data: bytes) -> Image:
    """Decode a non-interlaced 8-bit PNG (greyscale, RGB or RGBA, with or without alpha) to RGBA."""
    header, idat = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    channels = _CHANNELS[colour]
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        prev = _unfilter(raw[start], raw[start + 1 : start + 1 + stride], prev, channels)
        rows.append(prev)
    return Image(width, height, _rgba(b"".join(rows), channels, width * height))


def differing_fraction(a: Image, b: Image, tolerance: int = 48) -> float:
    """The fraction of pixels where any channel differs by more than `tolerance` (1.0 if sizes differ)."""
    if (a.width, a.height) != (b.width, b.height):
        return 1.0
    differing = 0
    for y in range(a.height):
        ra, rb = a.row(y), b.row(y)
        if ra == rb:
            continue
        for x in range(0, len(ra), 4):
            if ra[x : x + 4] != rb[x : x + 4] and any(
                abs(ra[x + c] - rb[x + c]) > tolerance for c in range(4)
            ):
                differing += 1
    return differing / (a.width * a.height)
