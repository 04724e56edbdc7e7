"""The service's settings, from the environment (and the command line, which wins).

- `REMISE_DB`: the database, a SQLite file path or a URL (`postgresql+psycopg://...`);
  default `remise.db` in the working folder.
- `REMISE_TOKEN`: the bearer token of the staff endpoints; without it they answer 401.
- `REMISE_RETENTION_DAYS`: how long after its date a day's requests are kept (default 30);
  `remise db purge` deletes older days.
- `REMISE_MAX_BODY`: the largest request body accepted, in bytes (default 16384).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..core.i18n import _
from ..core.problems import InputError
from .db.engine import database_url

RETENTION_DAYS = 30
MAX_BODY = 16_384


def _int(name: str, default: int, low: int, high: int) -> int:
    text = os.environ.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(_("{name}: '{value}' is not a whole number").format(name=name, value=text[:40])) from None
    if not low <= value <= high:
        raise InputError(_("{name}: {value} is outside {low}..{high}").format(name=name, value=value, low=low, high=high))
    return value


@dataclass(frozen=True)
class Settings:
    database: str  # a SQLAlchemy URL
    token: str | None = None
    retention_days: int = RETENTION_DAYS
    max_body: int = MAX_BODY

    @classmethod
    def from_env(cls, database: str | None = None) -> Settings:
        return cls(
            database=database_url(database or os.environ.get("REMISE_DB")),
            token=os.environ.get("REMISE_TOKEN") or None,
            retention_days=_int("REMISE_RETENTION_DAYS", RETENTION_DAYS, 0, 3650),
            max_body=_int("REMISE_MAX_BODY", MAX_BODY, 1024, 10_000_000),
        )
