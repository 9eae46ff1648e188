"""The gzip of a stored page with slots, compressed once when it is stored.

A page with slots (the request form's tokens) differs for every visitor in a few dozen bytes,
and compressing its 60 KB again for every response was a third of a warm trek page's time. So
the page is cut at its slot markers when it is stored, and each piece between them is deflated
once and ended with a full flush (RFC 1951: the compressor's state is reset, so what follows
refers to nothing before it and the piece can be sent in any stream). A response is then a
gzip header, the stored pieces and, between them, this visitor's values as stored
(uncompressed) deflate blocks, a final empty block, and the CRC-32 and length of the page as
sent (RFC 1952).

Against BREACH this does what Django's GZipMiddleware does (a random-length padding in the
header, and Django masks the CSRF token anew in every response) and more: a token shares no
compression context with the page or with anything a visitor sent, so its bytes never change
the compressed length."""

import re
import secrets
import struct
import zlib

# What Django's GZipMiddleware pads with: up to 100 random bytes in the header's file name.
MAX_RANDOM_BYTES = 100
# A stored deflate block holds at most 65,535 bytes (its LEN field is 16 bits).
_STORED_MAX = 0xFFFF
# The final empty block ("fixed Huffman, end of block"), as zlib itself ends a stream.
_END = zlib.compressobj(wbits=-zlib.MAX_WBITS).flush(zlib.Z_FINISH)


def pieces(html, markers):
    """What is stored for `html` (bytes) with slot `markers` ({slot name: marker}): a tuple of
    (start, end, deflated) for each piece of the page between markers and the slot's name for
    each marker, in page order."""
    by_marker = {mark.encode(): slot for slot, mark in markers.items()}
    pattern = re.compile(b"|".join(re.escape(mark) for mark in by_marker))
    parts, start = [], 0
    for match in pattern.finditer(html):
        parts.append(_piece(html, start, match.start()))
        parts.append(by_marker[match.group()])
        start = match.end()
    parts.append(_piece(html, start, len(html)))
    return tuple(parts)


def _piece(html, start, end):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = html[start:end]
    return (start, end, compressor.compress(segment) + compressor.flush(zlib.Z_FULL_FLUSH))


def gzipped(html, parts, values):
    """The gzip of `html` with each slot's marker replaced by `values[slot]` (bytes)."""
    padding = b"a" * secrets.randbelow(MAX_RANDOM_BYTES)
    # ID1 ID2, deflate, FNAME set, no mtime, no extra flags, OS unknown; the name ends in NUL.
    out = [b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff", padding, b"\x00"]
    crc = size = 0
    view = memoryview(html)
    for part in parts:
        if isinstance(part, str):
            value = values[part]
            out.extend(_stored_blocks(value))
        else:
            start, end, deflated = part
            value = view[start:end]
            out.append(deflated)
        crc = zlib.crc32(value, crc)
        size += len(value)
    out.append(_END)
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)


def _stored_blocks(value):
    """`value` as stored deflate blocks (RFC 1951, 3.2.4): after a full flush the stream is at a
    byte boundary, so each block is one header byte (not final, type 00), LEN, NLEN, the bytes."""
    for start in range(0, len(value), _STORED_MAX):
        chunk = value[start : start + _STORED_MAX]
        yield b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
