"""What a new user meets first (issue 16): the version, help for every option, the default
scenario said aloud, and dates that are checked and explained."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main
from conftest import DATA, ROOT
from typer.testing import CliRunner

from optimizer.cli import app

TINY = DATA / "tiny.yaml"
FAST = ["--time-limit", "5", "--workers", "1", "--no-explain"]


def invoke(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})
    return result, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_version_names_remise_and_its_solver():
    result, said = invoke("--version")
    assert result.exit_code == 0
    assert said.startswith("remise ") and "ortools" in said


def _commands(command: click.Command, path: str = ""):
    if hasattr(command, "commands"):  # a group (Typer's classes are not click's subclasses)
        for name, sub in command.commands.items():
            yield from _commands(sub, f"{path} {name}")
    else:
        yield path.strip(), command


def test_every_option_of_every_command_has_a_help_text():
    missing = [(name, p.opts) for name, command in _commands(typer.main.get_command(app))
               for p in command.params if p.param_type_name == "option" and not p.help]
    assert not missing
    assert len(list(_commands(typer.main.get_command(app)))) >= 12  # the walk reached the commands


def test_flags_are_shown_without_a_value_type():
    result, said = invoke("replan", "--help")
    assert result.exit_code == 0
    assert "--deterministic" in said and "<bool>" not in said


def remise(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`remise ...` as a user runs it: in a new process, since the help is written when the
    commands are imported."""
    script = shutil.which("remise", path=str(Path(sys.executable).parent)) or shutil.which("remise")
    assert script, "the remise command is not installed (pip install -e .)"
    environ = {name: value for name, value in os.environ.items() if name != "REMISE_LANG"}
    environ.update({"COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}, **env)
    return subprocess.run([script, *args], cwd=cwd, env=environ, capture_output=True, encoding="utf-8", timeout=120)


def unboxed(text: str) -> str:
    """Lines rejoined, without the boxes and colours (a sentence may wrap)."""
    return re.sub(r"[ \n]+", " ", re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", text))


def remise_help(*args: str, cwd: Path, env: dict[str, str]) -> str:
    run = remise(*args, "--help", cwd=cwd, env=env)
    assert run.returncode == 0, run.stderr
    return unboxed(run.stdout)


FRENCH_FRAME = ["Utilisation\u00a0: remise plan [OPTIONS] [scenario]", "Afficher cette aide et quitter.",
                "[défaut\u00a0: 60.0]", "Commandes"]
ENGLISH_FRAME = ["Usage: remise plan [OPTIONS] [scenario]", "Show this message and exit.", "[default: 60.0]",
                 "Commands"]


@pytest.mark.parametrize("env, settings_file, sentences, foreign", [
    ({}, None, ["Planifier la journée\u00a0: chaque demande reçoit un commissariat",
                "Remplacer un dossier de planning existant.", *FRENCH_FRAME[:3]], ENGLISH_FRAME[:3]),
    ({"REMISE_LANG": "en"}, None, ["Plan the day: every request gets a station", "Replace an existing plan folder.",
                                   *ENGLISH_FRAME[:3]], FRENCH_FRAME[:3]),
    ({}, 'lang = "en"\n', ["Plan the day: every request gets a station", "Replace an existing plan folder."], []),
], ids=["french-by-default", "REMISE_LANG=en", "remise.toml-en"])
def test_the_help_speaks_french_by_default_and_the_language_of_the_settings(tmp_path, env, settings_file, sentences,
                                                                          foreign):
    """Typer's own frame (usage line, help option, defaults) included: it vendors click's English."""
    if settings_file is not None:
        (tmp_path / "remise.toml").write_text(settings_file, encoding="utf-8")
    said = remise_help("plan", cwd=tmp_path, env=env)
    assert all(sentence in said for sentence in sentences), said
    assert not any(words in said for words in foreign), said


@pytest.mark.parametrize("args, french, english", [
    (["plan", "--explian"],
     "Option inconnue\u00a0: --explian. Vouliez-vous dire --explain, --explain-time, --no-explain\u00a0?",
     "No option --explian. Did you mean --explain, --explain-time, --no-explain?"),
    (["check"], "Il manque l'argument SCENARIO.", "The argument SCENARIO is missing."),
    (["plan", "--time-limit", "abc"], "Valeur invalide pour --time-limit\u00a0: doit être un nombre",
     "Invalid value for --time-limit: must be a number"),
    (["plan", "--out"], "L'option --out demande une valeur.", "The option --out needs a value."),
    (["plann"], "Commande inconnue\u00a0: plann. Vouliez-vous dire 'plan', 'replan'\u00a0?",
     "No command plann. Did you mean 'plan', 'replan'?"),
    (["generate", "--size", "huge"], "'huge' n'est pas l'une des valeurs 'pilot', 'paris', 'region', 'national'.",
     "'huge' is not one of 'pilot', 'paris', 'region', 'national'."),
    (["plan", "--date", "2026-13-01"], "'2026-13-01' ne suit pas le format 'AAAA-MM-JJ'.",
     "'2026-13-01' does not match the format 'YYYY-MM-DD'."),
    (["plan", "--time-limit", "0.01"], "doit valoir au moins 0,1", "must be at least 0.1"),
], ids=["unknown-option", "missing-argument", "bad-number", "option-without-value", "unknown-command", "bad-choice",
        "bad-date", "below-the-range"])
def test_usage_errors_speak_the_planner_s_language(tmp_path, monkeypatch, args, french, english):
    # In this process: usage errors take the language of the settings when they are raised.
    monkeypatch.chdir(tmp_path)
    for lang, expected, frame in ((None, french, "Erreur"), ("en", english, "Error")):
        result = CliRunner().invoke(app, args, env={"COLUMNS": "300", "REMISE_LANG": lang})
        said = unboxed(result.output + result.stderr)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), said  # no traceback
        assert expected in said and frame in said, said
        assert lang == "en" or "Usage:" not in said


def test_a_bad_setting_is_told_in_the_language_the_settings_ask_for(tmp_path, monkeypatch):
    # Said before the settings are read: the language is read alone, whatever else is wrong.
    monkeypatch.chdir(tmp_path)
    for lang, expected in ((None, "n'est pas un nombre entier de 1 à 64"), ("en", "is not a whole number")):
        result = CliRunner().invoke(app, ["validate", str(TINY)], env={"REMISE_WORKERS": "0", "REMISE_LANG": lang})
        assert result.exit_code == 2 and expected in unboxed(result.output + result.stderr)
    (tmp_path / "remise.toml").write_text('lang = "en"\nworkers = "many"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(TINY)], env={"REMISE_LANG": None})
    assert result.exit_code == 2 and "is not a whole number" in unboxed(result.output + result.stderr)


def test_no_command_offers_shell_completion_options():
    # Each command's module is its own Typer app, loaded on demand: none may add Typer's
    # completion options, which remise turns off.
    offered = [name for name, command in _commands(typer.main.get_command(app))
               if any("--install-completion" in p.opts for p in command.params)]
    assert not offered


def test_validate_without_a_scenario_says_it_uses_the_bundled_pilot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, said = invoke("validate")
    assert result.exit_code == 0, said
    assert "Aucun scénario indiqué\u00a0: journée pilote fournie utilisée" in said
    assert str(ROOT / "scenarios" / "paris-pilot.yaml") in said


def test_a_date_in_another_format_names_the_expected_one(tmp_path):
    scenario = tmp_path / "day.yaml"
    scenario.write_text(TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 01/12/2026"),
                        encoding="utf-8")
    result, said = invoke("validate", scenario)
    assert result.exit_code == 2
    assert "'01/12/2026' n'est pas une date écrite AAAA-MM-JJ" in said and "day.yaml" in said
    assert "invalid character" not in said


def test_requests_submitted_after_the_date_are_warned_about(tmp_path):
    scenario = tmp_path / "day.yaml"
    text = TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 2025-12-01")
    scenario.write_text(text.replace("seller: u-1,", 'seller: u-1, submitted: "2026-11-27T18:22",'),
                        encoding="utf-8")
    result, said = invoke("validate", scenario)
    assert result.exit_code == 0, said
    assert "1 requests were submitted after the scenario's date 2025-12-01 (r1)" in said


def test_check_against_another_day_says_so_first(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", TINY, "--out", out, *FAST)[0].exit_code == 0
    later = tmp_path / "later.yaml"
    later.write_text(TINY.read_text(encoding="utf-8").replace("date: 2026-12-01", "date: 2026-12-05"),
                     encoding="utf-8")
    result, said = invoke("check", later, out)
    assert result.exit_code == 1
    first = next(line for line in said.splitlines() if "2026-12" in line)
    assert "Le planning est du 2026-12-01 et le scénario du 2026-12-05" in first
    result, said = invoke("check", later, out, "--lang", "en")
    first = next(line for line in said.splitlines() if "2026-12" in line)
    assert "The plan is for 2026-12-01 and the scenario for 2026-12-05" in first


def test_offer_json_gives_the_date_options_that_differ_and_a_reason_code_with_a_sentence(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", TINY, "--out", out, *FAST)[0].exit_code == 0
    phone = tmp_path / "phone.yaml"
    phone.write_text("id: r9\ncategory: phone\nstations: [st-a]\nwindows: ['10:00-12:00']\nseller: u-90\n"
                     "buyer: u-91\n", encoding="utf-8")
    result, said = invoke("offer", TINY, "--plan", out, "--request", phone, "--top", "3", "--json")
    assert result.exit_code == 0, said
    found = json.loads(result.stdout)
    assert found["date"] == "2026-12-01" and found["reason"] is None
    starts = [int(o["start"][:2]) * 60 + int(o["start"][3:]) for o in found["options"]]
    assert len(starts) >= 2 and all(o["date"] == "2026-12-01" for o in found["options"])
    # Not three starts five minutes apart: the free starts run 10:40-11:45 here, room enough
    # for options half an hour apart or more.
    assert all(abs(a - b) >= 30 for i, a in enumerate(starts) for b in starts[i + 1:])
    knife = tmp_path / "knife.yaml"
    knife.write_text(phone.read_text(encoding="utf-8").replace("phone", "knife"), encoding="utf-8")
    result, said = invoke("offer", TINY, "--plan", out, "--request", knife, "--json")
    refused = json.loads(result.stdout)
    assert refused["options"] == [] and refused["reason"] == "forbidden_item"
    assert "objets tranchants" in refused["reason_text"]


STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} remise INFO \S", re.M)


def test_without_a_terminal_progress_is_logged_with_timestamps(tmp_path):
    result = CliRunner().invoke(app, ["plan", str(TINY), "--out", str(tmp_path / "plan"), *FAST])
    assert result.exit_code == 0, result.output
    assert len(STAMPED.findall(result.stderr)) >= 2  # solving, then writing the folder
    assert "résolution…" in result.stderr and "Planning écrit dans" in result.stdout


def test_quiet_keeps_standard_error_for_problems_and_a_log_file_keeps_the_lines(tmp_path):
    log = tmp_path / "night.log"
    result = CliRunner().invoke(app, ["--quiet", "--log-file", str(log), "plan", str(TINY),
                                      "--out", str(tmp_path / "plan"), *FAST])
    assert result.exit_code == 0, result.output
    assert STAMPED.findall(result.stderr) == []
    assert len(STAMPED.findall(log.read_text(encoding="utf-8"))) >= 2
    bad = CliRunner().invoke(app, ["--log-file", str(tmp_path / "no" / "such" / "dir.log"), "validate", str(TINY)])
    assert bad.exit_code == 2 and "--log-file" in bad.stderr and "Traceback" not in bad.output


def test_a_sweep_counts_its_rosters_with_the_time_left(tmp_path):
    result = CliRunner().invoke(app, ["sweep", str(TINY), "--officers", "st-a=1..2", "--out", str(tmp_path / "sweep"),
                                      "--time-limit", "2", "--workers", "1", "--processes", "1"])
    assert result.exit_code == 0, result.output
    # Rosters that end within one poll are counted together: the last count is always said.
    assert re.search(r"effectif [12] sur 2 planifié, environ \d+\u00a0s restantes", result.stderr), result.stderr
    assert "effectif 2 sur 2 planifié" in result.stderr
