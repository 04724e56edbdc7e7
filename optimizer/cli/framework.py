"""Typer's own words in remise's language: the frame of the help (Usage, Options, [default: …],
"Show this message and exit.") and the usage errors (an unknown option, a missing argument, a
value that does not parse).

Typer 0.29 vendors click with that English written into its code and no catalogue. So the
frame is set here from remise's catalogue, and a usage error is told again from what it
carries (the option, the parameter, its possibilities, pydantic's error behind a bad value)
rather than from its English sentence. Only Typer's public names are used; its exceptions are
told apart by class name, as Typer's own `rich_utils` does.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from typer import rich_utils

from ..core.i18n import _, language
from ..core.problems import pydantic_message


def frame_words() -> None:
    """Typer's help frame in the current language (its rich help reads these at each use)."""
    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    rich_utils.ENVVAR_STRING = _("[env var: {}]")
    rich_utils.DEPRECATED_STRING = _("(deprecated) ")
    rich_utils.ABORTED_TEXT = _("Aborted.")


class _Formatter(typer.Context.formatter_class):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


class Context(typer.Context):
    """A command's context whose usage line speaks the current language."""

    formatter_class = _Formatter


def speak(command: Any, subcommands: bool = True) -> Any:
    """The command (and its subcommands) with the usage line and the help option's help in the
    current language. `get_help_option` makes the option once and keeps it."""
    command.context_class = Context
    command.options_metavar = _("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    option = command.get_help_option(Context(command))
    if option is not None:
        option.help = _("Show this message and exit.")
    for sub in getattr(command, "commands", {}).values() if subcommands else ():
        speak(sub)
    return command


def _names(param: Any) -> str:
    return " / ".join(getattr(param, "opts", None) or [str(param.name).upper()])


# The English of Typer's usage errors that carry no field to rebuild them from.
_SENTENCES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"Option '(.+)' requires an argument\.?"),
     lambda m: _("The option {option} needs a value.").format(option=m[1])),
    (re.compile(r"Option '(.+)' does not take a value\.?"),
     lambda m: _("The option {option} takes no value.").format(option=m[1])),
    (re.compile(r"Got unexpected extra argument\(s\) \((.*)\)"),
     lambda m: _("Unexpected extra arguments: {arguments}.").format(arguments=m[1])),
    (re.compile(r"No such command '(.*?)'\.(?: Did you mean (.*)\?)?"),
     lambda m: (_("No command {command}. Did you mean {commands}?").format(command=m[1], commands=m[2]) if m[2]
                else _("No command {command}.").format(command=m[1]))),
    (re.compile(r"Missing command\.?"), lambda m: _("A command is needed.")),
    (re.compile(r"'(.*)' is not one of (.*?)\.?"),
     lambda m: _("{value} is not one of {choices}.").format(value=repr(m[1]), choices=m[2])),
    (re.compile(r"'(.*)' does not match the formats? (.*?)\.?"),
     lambda m: _("{value} does not match the format {formats}.").format(
         value=repr(m[1]), formats=m[2].replace("%Y", _("YYYY")).replace("%m", _("MM")).replace("%d", _("DD")))),
    (re.compile(r"(File|Directory|Path) '(.*)' does not exist\.?", re.IGNORECASE),
     lambda m: _("{path} does not exist.").format(path=repr(m[2]))),
    (re.compile(r"(File|Directory|Path) '(.*)' is a directory\.?", re.IGNORECASE),
     lambda m: _("{path} is a folder.").format(path=repr(m[2]))),
    (re.compile(r"(File|Directory|Path) '(.*)' is a file\.?", re.IGNORECASE),
     lambda m: _("{path} is a file.").format(path=repr(m[2]))),
]


def _sentence(english: str) -> str:
    english = english.strip().removeprefix("Value error, ")  # pydantic's prefix to a validator's words
    for pattern, french in _SENTENCES:
        match = pattern.fullmatch(english)
        if match:
            return french(match)
    return english


def usage_message(exc: typer.TyperException) -> str:
    """A usage error told in the current language from what it carries."""
    kind = type(exc).__name__
    if kind == "NoSuchOption":
        message = _("No option {option}.").format(option=exc.option_name)
        if exc.possibilities:
            message += " " + _("Did you mean {options}?").format(options=", ".join(sorted(exc.possibilities)))
        return message
    if kind == "MissingParameter" and exc.param is not None:
        if exc.param.param_type_name == "argument":
            return _("The argument {argument} is missing.").format(argument=str(exc.param.name).upper())
        return _("The option {option} is missing.").format(option=_names(exc.param))
    if kind == "BadParameter" and exc.param is not None:
        cause = exc.__cause__
        errors = cause.errors(include_url=False) if isinstance(cause, ValidationError) else []
        # pydantic's own checks (a number, a range) by their type; a validator's words by _SENTENCES.
        why = pydantic_message(errors[0]) if errors and errors[0]["type"] != "value_error" else _sentence(exc.message)
        return _("Invalid value for {option}: {why}").format(option=_names(exc.param), why=why)
    return _sentence(exc.format_message())


def show_usage_error(exc: typer.TyperException, console: Console) -> None:
    """What Typer prints for a usage error (usage line, where help is, the error in a box),
    in the current language."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(escape(ctx.get_usage()), highlight=False)
        if ctx.command.get_help_option(ctx) is not None:
            console.print(escape(_("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0])), style="dim", highlight=False)
    console.print(Panel(escape(usage_message(exc)), border_style="red", title=_("Error"), title_align="left"),
                  highlight=False)


def run(main: Callable[..., Any], console: Console, lang: str) -> None:
    """Run a command line as Typer's standalone mode does (exit codes included), with its usage
    errors in `lang`: they may come before the command has read --lang."""
    try:
        code = main(standalone_mode=False)
    except typer.Abort:
        with language(lang):
            console.print(escape(_("Aborted.")), style="red", highlight=False)
        sys.exit(1)
    except typer.TyperException as exc:  # click's ClickException, UsageError and kin
        # A command line without arguments: Typer's rich help printed the help as it made the error.
        if type(exc).__name__ != "NoArgsIsHelpError":
            with language(lang):
                if hasattr(exc, "ctx"):
                    show_usage_error(exc, console)
                else:
                    console.print(escape(exc.format_message()), style="red", highlight=False)
        sys.exit(getattr(exc, "exit_code", 1))
    sys.exit(code if isinstance(code, int) else 0)
