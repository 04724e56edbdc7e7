"""Random bytes and random mutations of the bundled scenarios, fed to `validate` and `plan`:
the answer is always exit 0 (a valid day, planned) or exit 2 (one clear message), never a
traceback, and always within a bounded time (issue 15)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from optimizer.cli import app

PILOT = ROOT / "scenarios" / "paris-pilot.yaml"
PILOT_CSV = ROOT / "scenarios" / "paris-pilot-csv.yaml"
PLAN = ["--time-limit", "1", "--workers", "1", "--no-explain", "--seed", "0"]
BOUND_SECONDS = 45  # a hang or a runaway (an alias bomb, a huge message) would blow far past this
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Values that once broke something, or might: huge numbers, bad times, markup, formulas,
# YAML tags and aliases, control and bidirectional characters, unbalanced brackets.
NASTY = [
    b"", b"-1", b"0", b"99999999999999999999", b"9223372036854775807", b"1e400", b".nan", b"24:61", b"25:00",
    "\uff11\uff10:\uff10\uff10".encode(), b"=cmd|' /C calc'!A0", b"@SUM(1)", b"\x00", b"\x1b[31m", b"\xe2\x80\xae",
    b"$x^2$", b"[/]", b"*a", b"&a [*a, *a, *a]", b"{", b"[", b"!!python/object/apply:os.system ['true']",
    b"~", b"null", b"yes", b"x" * 400, b"\xff\xfe", b"extends: paris-pilot.yaml",
]


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """`original` with one to four random edits of its lines and bytes."""
    lines = original.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "value", "insert", "swap"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "value":  # the text after a ':' or ',' replaced by a nasty value
            line = lines[at]
            cut = max(line.rfind(b":"), line.rfind(b","))
            lines[at] = line[: cut + 1] + b" " + draw(st.sampled_from(NASTY)) if cut >= 0 else draw(st.sampled_from(NASTY))
        elif edit == "insert":
            line = lines[at]
            where = draw(st.integers(0, len(line)))
            lines[at] = line[:where] + draw(st.one_of(st.sampled_from(NASTY), st.binary(max_size=12))) + line[where:]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        if not lines:
            lines = [b""]
    text = b"\n".join(lines)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


def run(args: list[str]) -> int:
    started = time.monotonic()
    result = CliRunner().invoke(app, args)
    seconds = time.monotonic() - started
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.exception!r}\n{output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert seconds < BOUND_SECONDS, f"{args[0]} took {seconds:.0f} s"
    return result.exit_code


def validate_and_plan(folder: Path, scenario: Path) -> None:
    """`validate` and `plan` agree: what one refuses the other refuses, what one accepts is planned."""
    valid = run(["validate", str(scenario)])
    planned = run(["plan", str(scenario), "--out", str(folder / "out"), *PLAN])
    assert planned == valid
    assert (folder / "out" / "summary.json").is_file() == (planned == 0)


@settings(max_examples=40, **SETTINGS)
@given(st.binary(max_size=3000))
def test_random_bytes_exit_0_or_2(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        scenario = Path(name) / "scenario.yaml"
        scenario.write_bytes(content)
        validate_and_plan(Path(name), scenario)


@settings(max_examples=25, **SETTINGS)
@given(mutated(PILOT.read_bytes()))
def test_mutations_of_the_pilot_exit_0_or_2(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        scenario = Path(name) / "paris-pilot.yaml"
        scenario.write_bytes(content)
        validate_and_plan(Path(name), scenario)


@settings(max_examples=20, **SETTINGS)
@given(st.sampled_from(["officers.csv", "requests.csv"]), st.data())
def test_mutations_of_the_pilot_csv_sections_exit_0_or_2(section: str, data) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        shutil.copy(PILOT_CSV, folder / PILOT_CSV.name)
        shutil.copytree(PILOT_CSV.with_suffix(""), folder / PILOT_CSV.stem)
        path = folder / PILOT_CSV.stem / section
        path.write_bytes(data.draw(mutated(path.read_bytes())))
        validate_and_plan(folder, folder / PILOT_CSV.name)
