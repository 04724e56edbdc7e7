"""`remise config`: the defaults in force here, and where each comes from."""

from __future__ import annotations

import typer
from rich.markup import escape

from .common import PlainTable, exits, out
from .config import CONFIG_FILE, PYPROJECT, settings

app = typer.Typer()


@app.command("config")
def show_config() -> None:
    """Show the defaults in force in this folder (remise.toml, pyproject.toml \\[tool.remise], REMISE_*) and where each comes from."""
    with exits():
        found = settings()
    table = PlainTable(title=escape(f"Settings (strongest first: option, environment, {CONFIG_FILE}, "
                             f"{PYPROJECT} [tool.remise], default)"), title_justify="left")
    for column in ("setting", "value", "from", "variable", "meaning"):
        table.add_column(column)
    for setting in found.values():
        table.add_row(setting.key.name, str(setting.value), setting.source, setting.key.env, setting.key.meaning)
    out.print(table)
