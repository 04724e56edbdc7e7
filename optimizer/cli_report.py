"""`remise report` and `remise compare` (registered on the main app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the report commands to the app."""
