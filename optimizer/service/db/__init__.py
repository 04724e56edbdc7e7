"""The platform's database: tables (`tables.py`), engines and transactions (`engine.py`),
and the Alembic migrations that create and upgrade it (`migrations/`)."""
