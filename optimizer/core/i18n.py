"""Translations and the formats of numbers and dates, in the user's language.

Messages are written in English in the code (`_()`, `ngettext()`), as gettext intends;
the French catalogue is `locale/fr/LC_MESSAGES/remise.po`, kept in the repository and
compiled when first used (no build step, no compiled file in git). Numbers, shares and
dates come from Babel, which knows the French non-breaking spaces. French is the default;
`language("en")` switches for the code it wraps, in this thread or task only.

To add a message: write `_("...")` in the code, then run (from the repository root)
    pybabel extract -F optimizer/core/locale/babel.cfg -k N_ -k pgettext:1c,2 --no-location \
        -o /tmp/remise.pot .
    pybabel update -i /tmp/remise.pot -d optimizer/core/locale -D remise --no-fuzzy-matching -w 100
and translate the new entries; `tests/test_translations.py` fails until every message has
its French. To add a language: `pybabel init -l xx`, and add it to LANGUAGES.
"""

from __future__ import annotations

import gettext
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Iterator

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

DOMAIN = "remise"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# The Babel locale of each language: France's French, and British English (day before month).
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
MINUS = "\u2212"

_current: ContextVar[str] = ContextVar("remise_language", default=DEFAULT_LANGUAGE)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}' (expected one of {', '.join(LANGUAGES)})")
    return lang


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language; English is the text of the code itself."""
    check_language(lang)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        messages = read_po(handle, domain=DOMAIN)  # its header gives the plural forms
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def current() -> str:
    return _current.get()


def use_language(lang: str) -> None:
    """Speak `lang` from now on (a command's choice, for the whole command)."""
    _current.set(check_language(lang))


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Speak `lang` inside the block (messages, numbers, dates)."""
    token = _current.set(check_language(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


def _(message: str) -> str:
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on what it is about (French genders, say)."""
    return catalogue(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `_()` translates it where it is shown."""
    return message


# --------------------------------------------------------------------------- formats


def babel_locale() -> str:
    return _LOCALES[current()]


def integer(value: float | int | None) -> str:
    """A whole number with the language's grouping (12 345 in French); — when unknown."""
    if value is None or value != value:
        return "—"
    whole = int(abs(value) + 0.5) * (1 if value >= 0 else -1)  # half up, as people round
    return format_decimal(whole, locale=babel_locale()).replace("-", MINUS)


def decimal(value: float, digits: int = 1) -> str:
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=babel_locale()).replace("-", MINUS)


def percent(share: float | None, digits: int = 0) -> str:
    """A share as a percentage in the language's form (30 %, 30%); — when unknown."""
    if share is None or share != share:
        return "—"
    pattern = Locale.parse(babel_locale()).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(share, format=pattern, locale=babel_locale()).replace("-", MINUS)


def signed(value: float | int | None, digits: int = 0) -> str:
    """A difference: +3, −12, 0."""
    if value is None or value != value:
        return "—"
    if round(value, digits) == 0:
        return "0"
    body = integer(abs(value)) if digits == 0 else decimal(abs(value), digits)
    return ("+" if value > 0 else MINUS) + body


def long_date(day: date) -> str:
    """`mardi 1 décembre 2026`, `Tuesday, 1 December 2026`."""
    return format_date(day, format="full", locale=babel_locale())
