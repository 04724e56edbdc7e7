"""Publishing a folder: the target always holds a complete old or a complete new folder.

A folder is written aside, into a hidden temporary sibling, and only then put in place:
by an atomic exchange of the two names where the system has one (`renameat2` with
`RENAME_EXCHANGE`, Linux 3.15 and most local file systems), otherwise by two renames,
with the old folder kept until the new one is in place and restored by the next run if a
crash came between them. While a command works towards a folder, from before its solve to
the end of the publishing, the target is locked (a `.NAME.lock` file beside it, `flock`), so a
second writer stops at once, naming the first, rather than solving for nothing.

Every folder remise writes holds a marker, `.remise`, listing the files it wrote. `--force`
replaces only such a folder, and only if nothing else was added to it: never a file, a
symbolic link, a folder remise did not write, or one that holds what must be kept
(`keep`, such as the `--previous` plan of a re-plan).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..core.i18n import _

MARKER = ".remise"  # the file that says remise wrote a folder, and what it wrote there
LOCK_SUFFIX, TMP_SUFFIX, OLD_SUFFIX = ".lock", ".tmp", ".old"

# The process umask, read once: folders are created 0700 by mkdtemp, then opened up to what
# the umask allows, as any folder a user makes (analysts and web servers read them).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class OutputExists(Exception):
    """The output exists and may not be replaced (no --force, or not a folder remise wrote)."""


class OutputBusy(Exception):
    """Another process is writing the same output folder."""


def check_target(out: Path, force: bool, keep: Iterable[Path] = ()) -> None:
    """Whether `out` may be (re)written: absent, or with `force` a folder remise wrote alone.

    Raises OutputExists with the reason otherwise. Called before any work, and again under
    the lock just before the folder is replaced.
    """
    out = Path(out)
    for kept in keep:
        kept = Path(kept).resolve()
        if kept == out.resolve() or out.resolve() in kept.parents:
            raise OutputExists(_("{out} holds {kept}, which must be kept: choose another --out").format(out=out, kept=kept))
    if not (out.exists() or out.is_symlink()):
        return
    if not force:
        raise OutputExists(_("{out} already exists (use --force to replace it)").format(out=out))
    if out.is_symlink() or not out.is_dir():
        raise OutputExists(_("{out} is not a folder remise wrote (it is a file or a link); --force replaces only "
                             "those").format(out=out))
    written = _written(out)
    if written is None:
        raise OutputExists(_("{out} was not written by remise (no {marker} file in it); --force replaces only "
                             "folders remise wrote").format(out=out, marker=MARKER))
    foreign = sorted(entry.name for entry in out.iterdir() if entry.name not in written | {MARKER})
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise OutputExists(_("{out} holds files remise did not write ({files}); move them, or choose another "
                             "--out").format(out=out, files=shown))


@contextmanager
def reserved(out: Path) -> Iterator[None]:
    """Hold the target's lock for a whole command (its solve, then `publish`); OutputBusy if
    another process holds it. Folders made to hold the lock are removed again if the command
    ends without writing there."""
    out = Path(out)
    if _lock_path(out) in _held:
        yield
        return
    made = [parent for parent in reversed(out.parents) if not parent.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(out):
            yield
    finally:
        for parent in reversed(made):
            try:
                parent.rmdir()  # only if still empty
            except OSError:
                break


def publish(out: Path, force: bool, write: Callable[[Path], None], kind: str = "plan",
            keep: Iterable[Path] = ()) -> None:
    """Write a folder through `write(tmp)` and put it in place at `out`, whole or not at all."""
    out = Path(out)
    with reserved(out):  # which makes the parent folders if need be
        _recover(out)
        check_target(out, force, keep)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=TMP_SUFFIX, dir=out.parent))
        try:
            os.chmod(tmp, 0o777 & ~_UMASK)
            _mark(tmp, kind, set())  # so that debris of a crash is known to be ours
            write(tmp)
            _mark(tmp, kind, {entry.name for entry in tmp.iterdir()} - {MARKER})
            if out.exists():
                if _exchange(tmp, out):
                    shutil.rmtree(tmp)  # now the old folder
                    return
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=OLD_SUFFIX, dir=out.parent))
                os.replace(out, old / out.name)
                os.replace(tmp, out)
                shutil.rmtree(old)
            else:
                os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _mark(folder: Path, kind: str, names: set[str]) -> None:
    (folder / MARKER).write_text(json.dumps({"written_by": "remise", "kind": kind, "files": sorted(names)},
                                            indent=1) + "\n", encoding="utf-8")


# Folders written before the marker existed, known by what they hold: (signature, every name).
_LEGACY = [
    ("summary.json", {"plan.csv", "unserved.csv", "officers.csv", "stations.csv", "summary.json", "scenario.yaml",
                      "findings.json", "report.html", "changes.csv"}),
    ("sweep.csv", {"sweep.csv", "sweep.html"}),
    ("comparison.csv", {"comparison.csv", "comparison.html", "plans"}),
]


def _written(folder: Path) -> set[str] | None:
    """The names the marker lists, or None if the folder has no readable marker (or, for a
    folder of an earlier remise, is not recognisably one: its signature file and nothing else)."""
    marker = folder / MARKER
    try:
        if not marker.exists() and folder.is_dir() and not folder.is_symlink():
            names = {entry.name for entry in folder.iterdir()}
            return next((names for signature, known in _LEGACY if signature in names and names <= known), None)
        if not marker.is_file() or marker.stat().st_size > 1 << 20:
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in data["files"]} if data.get("written_by") == "remise" else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


_held: set[Path] = set()  # the lock files this process holds


def _lock_path(out: Path) -> Path:
    return out.parent.absolute() / f".{out.name}{LOCK_SUFFIX}"


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold `.NAME.lock` beside `out`; another holder is OutputBusy."""
    path = _lock_path(out)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise OutputBusy(_("{out} is being written by process {process}; try again when it has finished").format(
                out=out, process=holder)) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the lock file was removed by the writer before us: lock the new one
    _held.add(path)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        _held.discard(path)
        try:
            os.unlink(path)
        finally:
            os.close(fd)


def _recover(out: Path) -> None:
    """Debris of a run killed while it published: restore the old folder if the target is
    missing, then remove the hidden folders it left (only those that carry the marker)."""
    debris = sorted(out.parent.glob(f".{out.name}.*{OLD_SUFFIX}")) + sorted(out.parent.glob(f".{out.name}.*{TMP_SUFFIX}"))
    for folder in debris:
        if folder.suffix == OLD_SUFFIX and not out.exists() and _written(folder / out.name) is not None:
            os.replace(folder / out.name, out)
        inner = folder / out.name if folder.suffix == OLD_SUFFIX else folder
        if _written(inner) is not None or not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _renameat2 = _libc.renameat2
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
except (OSError, AttributeError):  # not glibc 2.28+ (or not Linux): two renames instead
    _renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders' names atomically; False where the system or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
