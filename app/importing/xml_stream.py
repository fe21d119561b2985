"""An export file's bytes without the characters XML does not allow.

WordPress writes whatever a post holds into its export, NUL and other control characters
included (pasted from a word processor, say), raw or as character references (&#0;).
An XML parser stops at the first one; they carry nothing a reader could see, so they are
taken out on the way in, and counted for the report. Line breaks stay where they are, so a
parser's line numbers are the file's own.
"""

from __future__ import annotations

import re
from typing import BinaryIO

# Raw control characters but tab, line feed and carriage return. In UTF-8 (and every other
# encoding a WordPress export is written in) these bytes are never part of another character.
RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same as character references: &#0; … &#8; &#11; &#12; &#14; … &#31; and in hex.
REFERENCE = re.compile(
    rb"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));"
)
# The longest reference above, for a chunk that may end inside one.
LONGEST_REFERENCE = 12


class CleanXmlStream:
    """A binary file to read from, without the characters XML does not allow."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.held = b""  # the end of the last chunk, which may be the start of a reference
        self.removed = 0

    def read(self, size: int = -1) -> bytes:
        """Up to about `size` bytes; b"" only at the end of the file."""
        while True:
            new = self.raw.read(size if size > 0 else -1)
            chunk, self.held = self.held + new, b""
            if new:
                ampersand = chunk.rfind(b"&", max(0, len(chunk) - LONGEST_REFERENCE))
                if ampersand != -1 and b";" not in chunk[ampersand:]:
                    chunk, self.held = chunk[:ampersand], chunk[ampersand:]
            chunk = self.cleaned(chunk)
            if chunk or not new:
                return chunk

    def cleaned(self, chunk: bytes) -> bytes:
        chunk, raw_count = RAW.subn(b"", chunk)
        chunk, reference_count = REFERENCE.subn(b"", chunk)
        self.removed += raw_count + reference_count
        return chunk
