"""Reading an input file: a regular file, of a bounded size, as UTF-8 text.

Everything remise reads from a path (scenario files, section files, a request, the files of
a plan folder) goes through here, so a device (`/dev/zero`), a pipe or a folder is refused
at once instead of hanging or exhausting memory, and a file too large is refused by its size.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .i18n import _

MAX_INPUT_BYTES = 200 * 2**20  # a national day's requests are about 10 MB of CSV


class UnreadableFile(ValueError):
    """Why a path cannot be read as an input file (a sentence that completes 'the file ...')."""


def _size(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 2**10:,.1f} kB"


def read_text(path: Path | str, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of a regular file (UTF-8, a BOM allowed).

    Raises FileNotFoundError, UnreadableFile (not a regular file, too large, not UTF-8), or
    another OSError (permissions...).
    """
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(_("is a folder, not a regular file; remise reads only files")
                                 if stat.S_ISDIR(info.st_mode) else
                                 _("is a device, a pipe or a socket, not a regular file; remise reads only files"))
        if info.st_size > limit:
            raise UnreadableFile(_("is {size}, more than the {limit} remise reads").format(
                size=_size(info.st_size), limit=_size(limit)))
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise UnreadableFile(_("is more than the {limit} remise reads").format(limit=_size(limit)))
            chunks.append(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_not_utf8(data, exc)) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    """What is wrong with a file that is not UTF-8, and what to do about it."""
    line = data.count(b"\n", 0, exc.start) + 1
    byte = f"0x{data[exc.start]:02x}"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return _("is not UTF-8 text (line {line}, byte {byte}): save it as UTF-8").format(line=line, byte=byte)
    # Windows-1252 is what Excel and Notepad write on a French Windows unless told otherwise.
    return _("is not UTF-8 text (line {line}, byte {byte}); it looks like Windows-1252 (cp1252), as Excel writes "
             "'CSV (séparateur : point-virgule)': save it as 'CSV UTF-8' instead, or convert it "
             "with: iconv -f cp1252 -t utf-8 OLD > NEW").format(line=line, byte=byte)
