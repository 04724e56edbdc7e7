"""Nothing lost: --force replaces only what remise wrote, a crash leaves a complete folder,
two writers never mix, and folders follow the umask (issue 15, data loss)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.planfolder import publish as publishing
from optimizer.planfolder.publish import MARKER, OutputBusy, OutputExists, publish

TINY_PLAN = ["--time-limit", "2", "--workers", "1", "--no-explain"]


def _writer(text: str):
    def write(folder: Path) -> None:
        (folder / "plan.csv").write_text(text, encoding="utf-8")
    return write


def said(result) -> str:
    """The command's output as one line: the terminal wraps long messages."""
    return " ".join(result.output.split())


def _plan(args: list[str]):
    return CliRunner().invoke(app, ["plan", str(ROOT / "tests" / "data" / "tiny.yaml"), *TINY_PLAN, *args])


def test_force_never_replaces_a_file(tmp_path):
    victim = tmp_path / "notes.txt"
    victim.write_text("mine", encoding="utf-8")
    result = _plan(["--out", str(victim), "--force"])
    assert result.exit_code == 2, result.output
    assert "n'est pas un dossier écrit par remise" in said(result)
    assert victim.read_text(encoding="utf-8") == "mine"


def test_force_never_replaces_a_folder_remise_did_not_write(tmp_path):
    victim = tmp_path / "photos"
    victim.mkdir()
    (victim / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = _plan(["--out", str(victim), "--force"])
    assert result.exit_code == 2 and "n'a pas été écrit par remise" in said(result)
    assert (victim / "holiday.jpg").read_bytes() == b"\xff\xd8"


def test_force_replaces_its_own_folder_but_not_what_was_added_to_it(tmp_path):
    out = tmp_path / "plan"
    assert _plan(["--out", str(out)]).exit_code == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["written_by"] == "remise" and "plan.csv" in marker["files"]
    assert _plan(["--out", str(out), "--force"]).exit_code == 0  # its own: replaced
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    result = _plan(["--out", str(out), "--force"])
    assert result.exit_code == 2 and "my-notes.txt" in said(result)
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_folder_of_an_earlier_remise_without_marker_is_still_replaced(tmp_path):
    out = tmp_path / "plan"
    assert _plan(["--out", str(out)]).exit_code == 0
    (out / MARKER).unlink()
    assert _plan(["--out", str(out), "--force"]).exit_code == 0


def test_replan_never_replaces_the_previous_plan_or_a_folder_holding_it(tmp_path):
    nest = tmp_path / "nest"
    published = nest / "published"
    assert _plan(["--out", str(published)]).exit_code == 0
    (nest / "neighbour.txt").write_text("x", encoding="utf-8")
    before = sorted(p.name for p in published.iterdir())
    for out in (nest, published):
        result = CliRunner().invoke(app, ["replan", str(ROOT / "tests" / "data" / "tiny.yaml"), "--previous",
                                          str(published), "--out", str(out), "--force", *TINY_PLAN])
        assert result.exit_code == 2, result.output
        assert "doit être conservé" in said(result)
    assert sorted(p.name for p in published.iterdir()) == before
    assert (nest / "neighbour.txt").exists()


def test_each_command_has_its_own_default_folder_beside_the_plans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = str(ROOT / "tests" / "data" / "tiny.yaml")
    runner = CliRunner()
    assert runner.invoke(app, ["plan", scenario, *TINY_PLAN]).exit_code == 0
    day = next((tmp_path / "reports").iterdir())
    plan_dir = next(day.iterdir())
    swept = runner.invoke(app, ["sweep", scenario, "--officers", "st-a=1..1", "--time-limit", "1", "--workers", "1",
                                "--processes", "1"])
    assert swept.exit_code == 0, swept.output
    replanned = runner.invoke(app, ["replan", scenario, "--previous", str(plan_dir), *TINY_PLAN])
    assert replanned.exit_code == 0, replanned.output
    names = sorted(p.name for p in day.iterdir())
    assert names == [plan_dir.name, f"{plan_dir.name}-replan", f"{plan_dir.name}-sweep"]
    # A later plan --force replaces the plan's folder alone.
    assert runner.invoke(app, ["plan", scenario, "--force", *TINY_PLAN]).exit_code == 0
    assert (day / f"{plan_dir.name}-sweep" / "sweep.csv").exists()
    assert (day / f"{plan_dir.name}-replan" / "changes.csv").exists()


def test_folders_follow_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        publishing._UMASK = 0o022
        publish(tmp_path / "out", False, _writer("a"))
    finally:
        os.umask(previous)
        publishing._UMASK = previous
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "plan.csv").stat().st_mode) == 0o644


def test_publishing_over_a_folder_swaps_it_whole(tmp_path):
    out = tmp_path / "out"
    publish(out, False, _writer("old"))
    publish(out, True, _writer("new"))
    assert (out / "plan.csv").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no debris, no lock file left


def test_without_an_atomic_exchange_the_two_renames_still_replace_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(publishing, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    publish(out, False, _writer("old"))
    publish(out, True, _writer("new"))
    assert (out / "plan.csv").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from optimizer.planfolder import publish as p
    out, where = Path(sys.argv[1]), sys.argv[2]
    if where == "between-renames":
        p._exchange = lambda a, b: False
        real = os.replace
        def replace(src, dst):
            real(src, dst)
            os.kill(os.getpid(), signal.SIGKILL)  # after the old folder moved aside, before the new one moved in
        p.os.replace = replace
    def write(folder):
        (folder / "plan.csv").write_text("new", encoding="utf-8")
        if where == "while-writing":
            os.kill(os.getpid(), signal.SIGKILL)
    p.publish(out, True, write)
""")


@pytest.mark.parametrize("where", ["while-writing", "between-renames"])
def test_a_run_killed_while_publishing_leaves_the_old_folder_whole(tmp_path, where):
    out = tmp_path / "out"
    publish(out, False, _writer("old"))
    killed = subprocess.run([sys.executable, "-c", KILLED, str(out), where], cwd=ROOT, capture_output=True)
    assert killed.returncode == -9
    # Whatever the crash left, the next run finds the old folder complete (restoring it if need
    # be) and clears the debris.
    publishing._recover(out)
    assert (out / "plan.csv").read_text(encoding="utf-8") == "old"
    publish(out, True, _writer("newer"))
    assert (out / "plan.csv").read_text(encoding="utf-8") == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from optimizer.planfolder.publish import publish
    def write(folder):
        print("writing", flush=True)
        time.sleep(30)
    publish(Path(sys.argv[1]), True, write)
""")


def test_a_second_writer_stops_at_once_naming_the_first(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "writing"
        started = time.monotonic()
        with pytest.raises(OutputBusy, match=f"en cours d'écriture par le processus {holder.pid}"):
            publish(out, True, _writer("mine"))
        assert time.monotonic() - started < 2
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_second_plan_stops_before_solving_while_the_first_solves(tmp_path):
    # The first run holds the target from before its solve: the second does not solve for
    # nothing only to fail when it publishes.
    out = tmp_path / "nested" / "out"
    first = subprocess.Popen(["remise", "--log-file", str(tmp_path / "first.log"), "plan",
                              str(SCENARIOS / "paris-pilot.yaml"), "--out", str(out), "--time-limit", "12",
                              "--workers", "1"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = out.parent / ".out.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.exists(), "the first run never took the lock"
        started = time.monotonic()
        second = _plan(["--out", str(out)])
        assert second.exit_code == 2, second.output
        assert f"en cours d'écriture par le processus {first.pid}" in said(second)
        assert time.monotonic() - started < 5
        assert first.wait(timeout=120) == 0
        assert (out / "plan.csv").exists() and not lock.exists()
    finally:
        first.kill()
        first.wait()


def test_a_run_that_fails_before_publishing_leaves_no_folders_or_lock_behind(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError):
        with publishing.reserved(out):
            assert (tmp_path / "a" / "b" / ".out.lock").exists()
            raise RuntimeError("the solve failed")
    assert list(tmp_path.iterdir()) == []


def test_check_target_refuses_without_force(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OutputExists, match="utilisez --force"):
        publishing.check_target(tmp_path / "out", force=False)


def test_plan_refuses_a_protected_target_before_solving(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "data.bin").write_bytes(b"1")
    started = time.monotonic()
    result = CliRunner().invoke(app, ["plan", str(SCENARIOS / "paris-pilot.yaml"), "--out", str(victim), "--force"])
    assert result.exit_code == 2
    assert time.monotonic() - started < 5  # refused before a 60-second solve


def test_generate_replaces_only_a_scenario_file_remise_wrote(tmp_path):
    mine = tmp_path / "budget.yaml"
    mine.write_text("total: 12\n", encoding="utf-8")
    args = ["generate", "--size", "pilot", "--seed", "1", "--force", "--out"]
    result = CliRunner().invoke(app, [*args, str(mine)])
    assert result.exit_code == 2 and "n'a pas été écrit par remise" in said(result)
    assert mine.read_text(encoding="utf-8") == "total: 12\n"
    day = tmp_path / "day.yaml"
    assert CliRunner().invoke(app, [*args, str(day)]).exit_code == 0
    assert day.read_text(encoding="utf-8").startswith("# Written by remise")
    assert CliRunner().invoke(app, [*args, str(day)]).exit_code == 0  # its own file: replaced
    # Section files beside it that the replaced file did not name are not remise's to replace.
    (tmp_path / "day-officers.csv").write_text("id\nsomeone\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*args, str(day), "--csv"])
    assert result.exit_code == 2 and "day-officers.csv" in said(result)
    assert (tmp_path / "day-officers.csv").read_text(encoding="utf-8") == "id\nsomeone\n"
