"""Engines, sessions and transactions, the same code over SQLite and PostgreSQL.

SQLite is the embedded default: one file, WAL journal, foreign keys on, and every write
transaction opened with `BEGIN IMMEDIATE`, so that two bookings never read the same free
slot (pysqlite would otherwise begin lazily at the first write). PostgreSQL comes by URL
(`postgresql+psycopg://...`); there a booking locks its day's row (`SELECT ... FOR UPDATE`),
see `service/bookings.py`. The schema is
created and upgraded by Alembic at the first use of a database.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ...core.i18n import _
from ...core.problems import InputError

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_DB = "remise.db"


def database_url(value: str | None) -> str:
    """A URL from what a planner types: a URL as is, a file path as a SQLite file."""
    value = value or DEFAULT_DB
    if "://" in value:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise InputError(_("--db: '{value}' is not a database URL ({error})").format(
                value=value[:80], error=exc)) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise InputError(_("--db: '{backend}' is not supported: use a SQLite file or "
                               "postgresql+psycopg://user@host/db").format(backend=url.get_backend_name()))
        if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(connection, _record) -> None:
        connection.isolation_level = None  # SQLAlchemy's "begin" below opens every transaction
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a confirmed booking survives a crash, power cut included
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("remise_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@cache
def engine_for(url: str) -> Engine:
    """One engine per database for the life of the process, with its schema up to date."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20,
                               max_overflow=20)
        _sqlite_setup(engine)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    migrate(engine)
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the latest revision (Alembic's `upgrade head`)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session that only reads: a consistent snapshot, no lock taken."""
    with sessionmaker(engine_for(url), expire_on_commit=False)() as session, session.begin():
        yield session


@cache
def _writers(url: str) -> threading.Lock:
    return threading.Lock()


@contextmanager
def writing(url: str) -> Iterator[Session]:
    """One write transaction: committed whole when the block ends, rolled back on any error.

    On SQLite it starts with BEGIN IMMEDIATE, so writers of one database are serialised;
    within one process they also queue on a lock first, in order, rather than poll SQLite's
    busy handler (whose sleeps grow to 100 ms and made the slowest bookings wait seconds).
    """
    engine = engine_for(url).execution_options(remise_write=True)
    queue = _writers(url) if is_sqlite(engine) else nullcontext()
    with queue, sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        yield session
