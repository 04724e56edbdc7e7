"""Defaults a planner sets once: `remise.toml`, `[tool.remise]` in `pyproject.toml`, `REMISE_*`.

Precedence, strongest first: an option on the command line, then the environment variable
(`REMISE_TIME_LIMIT`...), then `remise.toml` in the working folder, then the `[tool.remise]`
table of `pyproject.toml` in the working folder, then remise's own default. The files are read
once per command; `remise config` shows each value and where it came from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..core.csvfile import DIALECTS
from ..core.files import UnreadableFile, read_text
from ..core.i18n import LANGUAGES, N_, _
from ..core.problems import InputError

CONFIG_FILE = "remise.toml"
PYPROJECT = "pyproject.toml"


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 24 * 3600:
        raise ValueError(_("a number of seconds, above 0 and at most 86400"))
    return float(value)


def _workers(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
        raise ValueError(_("a whole number from 1 to 64"))
    return value


def _one_of(choices) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(_("one of {choices}").format(choices=", ".join(choices)))
        return value
    return check


def _folder(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("a folder path"))
    return value


@dataclass(frozen=True)
class Key:
    name: str
    default: Any
    check: Callable[[Any], Any]
    parse: Callable[[str], Any]  # from an environment variable's text
    commands: tuple[str, ...]  # whose option of the same name it sets; none: read by remise itself
    meaning: str

    @property
    def env(self) -> str:
        return f"REMISE_{self.name.upper()}"


KEYS = (
    Key("time_limit", 60.0, _positive_number, float, ("plan", "replan", "compare"),
        N_("seconds for a whole plan (sweep keeps its own, per roster)")),
    Key("workers", 8, _workers, int, ("plan", "replan", "compare", "sweep"), N_("CP-SAT workers")),
    Key("lang", "fr", _one_of(LANGUAGES), str,
        ("validate", "plan", "check", "replan", "offer", "report", "compare", "sweep"),
        N_("language of what remise says and writes for people")),
    Key("csv_dialect", "csv", _one_of(tuple(DIALECTS)), str, ("plan", "replan", "compare", "sweep"),
        N_("CSV files written: csv (comma, decimal point) or excel-fr (semicolon, decimal comma, BOM)")),
    Key("output_root", "reports", _folder, str, (), N_("the folder that holds the default output folders")),
)
KEY_BY_NAME = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class Setting:
    key: Key
    value: Any
    source: str  # "default", a file name, or an environment variable


def _table(path: Path, pyproject: bool) -> dict[str, Any]:
    try:
        data = tomllib.loads(read_text(path))
    except FileNotFoundError:
        return {}
    except (OSError, UnreadableFile, tomllib.TOMLDecodeError) as exc:
        raise InputError(_("{path}: cannot be read as TOML ({error})").format(path=path, error=exc)) from None
    table = data.get("tool", {}).get("remise", {}) if pyproject else data
    if not isinstance(table, dict):
        raise InputError(_("{path}: [tool.remise] is not a table").format(path=path))
    return table


def settings(folder: Path | None = None, environ: dict[str, str] | None = None) -> dict[str, Setting]:
    """Every key's value and its source; an unknown key or a bad value is an input error."""
    folder = Path.cwd() if folder is None else folder
    environ = os.environ if environ is None else environ
    found = {key.name: Setting(key, key.default, "default") for key in KEYS}
    for path, pyproject in ((folder / PYPROJECT, True), (folder / CONFIG_FILE, False)):  # weakest first
        where = f"{path.name} [tool.remise]" if pyproject else path.name
        for name, value in _table(path, pyproject).items():
            key = KEY_BY_NAME.get(name)
            if key is None:
                raise InputError(_("{path}: unknown setting {name} (known: {known})").format(
                    path=path, name=repr(name[:40]), known=", ".join(KEY_BY_NAME)))
            try:
                found[name] = Setting(key, key.check(value), where)
            except ValueError as exc:
                raise InputError(_("{path}: {name} = {value} is not {expected}").format(
                    path=path, name=name, value=repr(str(value)[:40]), expected=exc)) from None
    for key in KEYS:
        if key.env in environ:
            try:
                found[key.name] = Setting(key, key.check(key.parse(environ[key.env])), key.env)
            except ValueError as exc:
                raise InputError(_("{name}={value} is not {expected}").format(
                    name=key.env, value=repr(environ[key.env][:40]), expected=exc)) from None
    return found


def help_language() -> str:
    """The language of the help (`--help`), which is written when the commands are defined, at
    import, before any option is read, and of what is said before the settings are read:
    `lang` as `settings()` would find it (REMISE_LANG, then remise.toml, then pyproject.toml's
    [tool.remise]), so `--lang` alone does not change it. Read alone: a bad value elsewhere in
    the settings (which the command then names) or of `lang` itself leaves the next source, or
    French, remise's default."""
    key = KEY_BY_NAME["lang"]
    found = key.default
    for name, pyproject in ((PYPROJECT, True), (CONFIG_FILE, False)):  # weakest first
        try:
            value = _table(Path.cwd() / name, pyproject).get(key.name)
        except (InputError, OSError):  # OSError: a working folder that no longer exists
            continue
        found = value if value in LANGUAGES else found
    return os.environ[key.env] if os.environ.get(key.env) in LANGUAGES else found


def default_map(found: dict[str, Setting]) -> dict[str, dict[str, Any]]:
    """The options' defaults per command, for click: what the files and the environment set."""
    commands: dict[str, dict[str, Any]] = {}
    for setting in found.values():
        if setting.source == "default":
            continue
        for command in setting.key.commands:
            commands.setdefault(command, {})[setting.key.name] = setting.value
    return commands
