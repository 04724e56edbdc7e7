"""`remise config`: the defaults in force here, and where each comes from."""

from __future__ import annotations

import typer
from rich.markup import escape

from ..core.i18n import _
from .common import PlainTable, exits, out
from .config import CONFIG_FILE, PYPROJECT, settings

app = typer.Typer(add_completion=False)


@app.command("config", help=_("Show the defaults in force in this folder (remise.toml, pyproject.toml "
                              "\\[tool.remise], REMISE_*) and where each comes from."))
def show_config() -> None:
    with exits():
        found = settings()
    table = PlainTable(title=escape(_("Settings (strongest first: option, environment, {config}, {pyproject} "
                                      "[tool.remise], default)").format(config=CONFIG_FILE, pyproject=PYPROJECT)),
                       title_justify="left")
    for column in (_("setting"), _("value"), _("from"), _("variable"), _("meaning")):
        table.add_column(column)
    for setting in found.values():
        source = _("default") if setting.source == "default" else setting.source
        table.add_row(setting.key.name, str(setting.value), source, setting.key.env, _(setting.key.meaning))
    out.print(table)
