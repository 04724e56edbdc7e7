"""Publishing a folder: written aside in full, then renamed into place, or not at all.

Files are written into a temporary sibling folder and renamed into place, so
an interrupted run never leaves a half-written folder where the last good one was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


class OutputExists(Exception):
    """The output folder exists and --force was not given."""


def publish(out: Path, force: bool, write: Callable[[Path], None]) -> None:
    """Write a folder through `write(tmp)` and rename it into place.

    An existing folder is kept unless `force`; with `force` it is swapped out only
    once the new one is complete.
    """
    out = Path(out)
    if out.exists() and not force:
        raise OutputExists(f"{out} already exists (use --force to replace it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        write(tmp)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
