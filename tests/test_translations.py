"""Every message of the code and the templates has its French, with the same placeholders.

The messages are extracted as `pybabel extract` does (`optimizer/core/locale/babel.cfg`);
a message written in the code without a French translation in the catalogue fails here,
so no sentence silently falls back to English in a French page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from optimizer.core.findings import Finding, Why
from optimizer.core.i18n import LOCALE_DIR, language, ngettext, percent
from optimizer.core.sentences import level_status, sentence
from optimizer.solvers.result import Status

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
METHODS = [("optimizer/**.py", "python"), ("optimizer/**.j2", "jinja2")]
OPTIONS = {"optimizer/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}|%\((\w+)\)s")


def code_messages() -> dict[tuple[str | None, str], tuple[str, int]]:
    """(context, message id) -> where it is written, for every message of the package."""
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True):
        key = message[0] if isinstance(message, tuple) else message
        found[(context, key)] = (filename, lineno)
    return found


def french():
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "remise.po").open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_message_has_a_french_translation():
    catalogue = french()
    messages = code_messages()
    assert len(messages) > 150  # the extraction really read the code and the templates
    missing = []
    for (context, key), (filename, lineno) in sorted(messages.items(), key=lambda item: item[1]):
        entry = catalogue.get(key, context=context)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else \
            (entry.string,) if entry is not None else ("",)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}:{lineno}: {key!r}")
    assert not missing, "messages without French:\n" + "\n".join(missing)


def test_no_module_that_translates_names_a_variable_underscore():
    """`rows, _ = ...` in a module that imports gettext's `_` turns the next message into a
    TypeError (it happened: `remise report` crashed on a bad cell)."""
    package = Path(__file__).resolve().parent.parent / "optimizer"
    wrong = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        translates = any(isinstance(node, ast.ImportFrom) and any(a.name == "_" and a.asname is None for a in node.names)
                         for node in ast.walk(tree))
        stores = [node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)]
        if translates and stores:
            wrong += [f"{path.relative_to(package.parent)}:{line}" for line in stores]
    assert not wrong, wrong


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in french():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) - expected or (len(ids) == 1 and placeholders(text) != expected):
                wrong.append(f"{entry.id!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_french_uses_the_french_plural_and_spaces():
    with language("fr"):
        assert ngettext("{n} officer at {station}", "{n} officers at {station}", 1) == "{n} agent à {station}"
        assert ngettext("{n} officer at {station}", "{n} officers at {station}", 2) == "{n} agents à {station}"
        assert percent(0.3021) == "30\u00a0%"
    with language("en"):
        assert percent(0.3021) == "30%"


@pytest.mark.parametrize("why, params, french_words", [
    (Why.NO_PLACE_OF_KIND, {"station": "st-b", "kind": "bay"}, "st-b n'a pas d'emplacement"),
    (Why.NO_OFFICER, {"station": "st-b", "skill": "vehicle"}, "aucun agent avec la compétence « vehicle » à st-b"),
    (Why.PLACES_FULL, {"station": "st-a", "kind": "room", "count": 2, "start": 840, "end": 960},
     "les deux salles de st-a sont occupées 14:00–16:00"),
])
def test_a_finding_reads_in_each_language(why, params, french_words):
    with language("fr"):
        assert sentence(Finding(why, params)) == french_words
    with language("en"):
        assert sentence(Finding(why, params)) != french_words


@pytest.mark.parametrize("status", list(Status))
def test_every_level_status_is_said_in_words(status):
    # A greedy plan's levels are "heuristic": the terminal and the report printed the code.
    with language("fr"):
        french = level_status(status, 0.1)
    with language("en"):
        english = level_status(status, 0.1)
    if status != Status.OPTIMAL:  # the same word in both languages
        assert english != status.value and french != english
