"""gzip for pages, and for pages compressed ahead of time, whole or but for a hole.

A trek page is a cached shell (40 KB, the same for everyone) with a small per-visitor part in
it: the request form. Compressing the whole page on every request was a third of the time a
cached trek page took. Instead, the shell's parts before and after that hole are compressed
once, when the shell is built, at a better level; each response compresses only the part that
fills the hole and joins the pieces into one gzip stream. A DEFLATE stream may be cut into
pieces at a full flush: each piece then ends on a byte boundary and refers to nothing before
it, so pieces made by different compressors follow one another as one valid stream.
"""

import secrets
import struct
import zlib
from dataclasses import dataclass

from django.http import HttpResponse

# Per request: zlib level 1 compresses a 40 KB page 2 to 3 times faster than Django's level 6,
# for a body about 15% larger; on a server-rendered page compression is a large part of the time.
LEVEL_PER_REQUEST = 1
# Once per catalogue change: the shell's parts get the smaller body.
LEVEL_AHEAD = 6

_RAW_DEFLATE = -zlib.MAX_WBITS  # no zlib header or trailer: gzip adds its own


def _header(max_random_bytes):
    """A gzip header (RFC 1952) with a file name of random length, as Django's
    compress_string pads it, so that the compressed length leaks less about the content
    (BREACH). mtime 0, no extra flags, OS unknown."""
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return b"\x1f\x8b\x08\x08" + b"\x00\x00\x00\x00" + b"\x00\xff" + name


def _trailer(crc, size):
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def _deflate(data, level, *, last):
    compressor = zlib.compressobj(level, zlib.DEFLATED, _RAW_DEFLATE)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
    )


def gzip_compress(content, max_random_bytes):
    """`content` (bytes) as one gzip stream, at the per-request level."""
    body = _deflate(content, LEVEL_PER_REQUEST, last=True)
    return _header(max_random_bytes) + body + _trailer(zlib.crc32(content), len(content))


@dataclass(frozen=True)
class CompressedAround:
    """The parts of a page before and after its hole, as bytes and compressed ahead."""

    head: bytes
    tail: bytes
    head_deflated: bytes
    tail_deflated: bytes

    @classmethod
    def of(cls, html, hole):
        """Split `html` (a str holding `hole` once) around `hole` and compress both parts."""
        head, tail = html.split(hole)
        return cls._compressed(head.encode(), tail.encode())

    @classmethod
    def whole(cls, html):
        """A page with no hole (a listing cached whole): all of it compressed ahead, and
        `fill("")` gives it back."""
        return cls._compressed(html.encode(), b"")

    @classmethod
    def _compressed(cls, head, tail):
        return cls(
            head=head,
            tail=tail,
            head_deflated=_deflate(head, LEVEL_AHEAD, last=False),
            tail_deflated=_deflate(tail, LEVEL_AHEAD, last=True),
        )

    def fill(self, filling):
        """The page as bytes, with `filling` (a str) in the hole."""
        return b"".join((self.head, filling.encode(), self.tail))

    def response(self, filling=""):
        """The page with `filling` in the hole, as a response that carries these parts, so that
        FastGZipMiddleware (operator_site.middleware) compresses only the filling."""
        response = HttpResponse(self.fill(filling))
        response.compressed_around = self
        return response

    def gzip(self, content, max_random_bytes):
        """`content` (bytes) compressed as gzip, if it is head + something + tail; else None."""
        if len(content) < len(self.head) + len(self.tail):
            return None
        if not (content.startswith(self.head) and content.endswith(self.tail)):
            return None  # something changed the page after the view: compress it whole
        filling = content[len(self.head) : len(content) - len(self.tail)]
        return b"".join(
            (
                _header(max_random_bytes),
                self.head_deflated,
                _deflate(filling, LEVEL_PER_REQUEST, last=False),
                self.tail_deflated,
                _trailer(zlib.crc32(content), len(content)),
            )
        )
