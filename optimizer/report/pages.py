"""The pages' templates: one Jinja environment, with gettext and the number formats.

Templates call `_()` (and `{% trans %}`) for words, and `integer`, `percent`, `signed`,
`time` for figures, all in the language set by `core.i18n.language`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..core import i18n
from ..core.times import format_time


@cache
def environment(package: str = "optimizer.report") -> Environment:
    """The templates of a package (the reports', or the booking pages'), with words and formats."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    env.globals.update(
        integer=i18n.integer, percent=i18n.percent, signed=i18n.signed, decimal=i18n.decimal,
        time=lambda minutes: "" if minutes is None else format_time(minutes),
        # Wall-clock durations are the one thing two deterministic runs may differ in; marked
        # so that a reader (and the reproducibility test) can tell them apart.
        timing=lambda text: Markup('<span class="timing">%s</span>') % text,
    )
    return env


def render(template: str, package: str = "optimizer.report", **context) -> str:
    return environment(package).get_template(template).render(lang=i18n.current(), **context)


def write_page(path: Path, html: str) -> None:
    """Replace one page whole: written beside it, then renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
