"""Files French Excel opens right, inputs it writes, and defaults a planner sets once (issue 16)."""

from __future__ import annotations

import csv
import io
import json
import shutil

from conftest import DATA, ROOT
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.core.codes import Reason
from optimizer.planfolder.folder import CHANGE_COLUMNS, PLAN_COLUMNS

TINY = DATA / "tiny.yaml"
FAST = ["--time-limit", "5", "--workers", "1", "--no-explain"]
BOM = "\ufeff"


def invoke(*args, env: dict[str, str] | None = None):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300", **(env or {})})
    return result, result.output + (result.stderr if result.stderr_bytes is not None else "")


def rows(path, delimiter=","):
    text = path.read_text(encoding="utf-8").removeprefix(BOM)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_an_excel_fr_folder_has_semicolons_a_bom_and_decimal_commas_and_still_checks(tmp_path):
    out = tmp_path / "plan"
    result, said = invoke("plan", TINY, "--out", out, "--csv-dialect", "excel-fr", *FAST)
    assert result.exit_code == 0, said
    plan_text = (out / "plan.csv").read_text(encoding="utf-8")
    assert plan_text.startswith(BOM + ";".join(PLAN_COLUMNS) + "\n")
    assert {row["date"] for row in rows(out / "plan.csv", ";")} == {"2026-12-01"}
    shares = [row["share_of_shift"] for row in rows(out / "officers.csv", ";")]
    assert shares and all("," in s and "." not in s for s in shares if s)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["csv_dialect"] == "excel-fr"
    # Every reader of a plan folder reads both dialects: check, report and replan.
    assert invoke("check", TINY, out)[0].exit_code == 0
    assert invoke("report", out)[0].exit_code == 0
    replanned, said = invoke("replan", TINY, "--previous", out, "--out", tmp_path / "again", *FAST)
    assert replanned.exit_code == 0, said


def test_the_default_dialect_is_plain_csv_with_a_date_column(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", TINY, "--out", out, *FAST)[0].exit_code == 0
    text = (out / "plan.csv").read_text(encoding="utf-8")
    assert text.startswith(",".join(PLAN_COLUMNS) + "\n") and BOM not in text
    assert all("." in row["share_of_shift"] for row in rows(out / "officers.csv") if row["share_of_shift"])


def test_changes_give_each_side_of_an_appointment_its_own_columns(tmp_path):
    out = tmp_path / "plan"
    assert invoke("plan", TINY, "--out", out, *FAST)[0].exit_code == 0
    planned = {row["request_id"]: row for row in rows(out / "plan.csv")}
    first = sorted(planned)[0]
    fewer = tmp_path / "fewer.yaml"
    lines = [line for line in TINY.read_text(encoding="utf-8").splitlines() if f"id: {first}," not in line]
    fewer.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, said = invoke("replan", fewer, "--previous", out, "--out", tmp_path / "replan", *FAST)
    assert result.exit_code == 0, said
    changes = rows(tmp_path / "replan" / "changes.csv")
    assert tuple(changes[0]) == CHANGE_COLUMNS
    cancelled = next(c for c in changes if c["request_id"] == first)
    before = planned[first]
    assert [cancelled[f"from_{c}"] for c in ("station", "place", "officer", "start", "end")] == \
        [before[c] for c in ("station", "place", "officer", "start", "end")]
    assert all(cancelled[f"to_{c}"] == "" for c in ("station", "place", "officer", "start", "end"))


def test_scenario_sections_saved_by_french_excel_are_read(tmp_path):
    shutil.copy(ROOT / "scenarios" / "paris-pilot-csv.yaml", tmp_path / "day.yaml")
    (tmp_path / "paris-pilot-csv").mkdir()
    for name in ("officers.csv", "requests.csv"):
        source = ROOT / "scenarios" / "paris-pilot-csv" / name
        table = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table)
        (tmp_path / "paris-pilot-csv" / name).write_text(BOM + buffer.getvalue(), encoding="utf-8", newline="")
    original, said_original = invoke("validate", ROOT / "scenarios" / "paris-pilot-csv.yaml")
    excel, said_excel = invoke("validate", tmp_path / "day.yaml")
    assert original.exit_code == excel.exit_code == 0, said_excel
    assert said_excel.replace(str(tmp_path / "day.yaml"), "X").splitlines()[1:] == \
        said_original.replace(str(ROOT / "scenarios" / "paris-pilot-csv.yaml"), "X").splitlines()[1:]


def test_a_windows_1252_file_is_refused_with_what_to_do(tmp_path):
    day = tmp_path / "day.yaml"
    text = TINY.read_text(encoding="utf-8").replace("name: tiny", "name: tiny\n# journée d'essai")
    day.write_bytes(text.encode("cp1252"))
    result, said = invoke("validate", day)
    assert result.exit_code == 2 and "Traceback" not in said
    assert "day.yaml" in said and "ligne 3" in said and "Windows-1252" in said and "iconv" in said


def test_comparison_csv_has_the_same_columns_whichever_reasons_occur(tmp_path):
    headers = []
    for name, text in (("all", TINY.read_text(encoding="utf-8")),
                       ("none", "\n".join(line for line in TINY.read_text(encoding="utf-8").splitlines()
                                          if "knife" not in line) + "\n")):
        day = tmp_path / f"{name}.yaml"
        day.write_text(text.replace("name: tiny", f"name: tiny-{name}"), encoding="utf-8")
        other = tmp_path / f"{name}-b.yaml"
        other.write_text(text.replace("name: tiny", f"name: tiny-{name}-b"), encoding="utf-8")
        out = tmp_path / f"cmp-{name}"
        result, said = invoke("compare", day, other, "--out", out, *FAST[:4])
        assert result.exit_code == 0, said
        headers.append((out / "comparison.csv").read_text(encoding="utf-8").splitlines()[0])
    assert headers[0] == headers[1]
    assert all(f"unserved_{reason.value}" in headers[0] for reason in Reason)


def test_settings_come_from_option_then_environment_then_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.remise]\ncsv_dialect = "excel-fr"\nlang = "en"\n',
                                             encoding="utf-8")
    (tmp_path / "remise.toml").write_text('lang = "fr"\noutput_root = "plans"\n', encoding="utf-8")
    result, said = invoke("config", env={"REMISE_WORKERS": "2"})
    assert result.exit_code == 0, said
    table = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:4]]
             for line in said.splitlines() if line.count("│") >= 5}
    assert table["lang"] == ["fr", "remise.toml"]
    assert table["csv_dialect"] == ["excel-fr", "pyproject.toml [tool.remise]"]
    assert table["workers"] == ["2", "REMISE_WORKERS"]
    assert table["time_limit"] == ["60.0", "défaut"]
    # The files set the defaults of a plan: its folder goes under `plans/`, in excel-fr.
    result, said = invoke("plan", TINY, *FAST)
    assert result.exit_code == 0, said
    assert (tmp_path / "plans" / "tiny" / "2026-12-01" / "plan.csv").read_text(encoding="utf-8").startswith(BOM)
    # The environment beats the files, and the option beats the environment.
    result, said = invoke("plan", TINY, "--out", tmp_path / "env", *FAST, env={"REMISE_CSV_DIALECT": "csv"})
    assert result.exit_code == 0 and not (tmp_path / "env" / "plan.csv").read_text(encoding="utf-8").startswith(BOM)
    result, said = invoke("plan", TINY, "--out", tmp_path / "opt", "--csv-dialect", "excel-fr", *FAST,
                          env={"REMISE_CSV_DIALECT": "csv"})
    assert result.exit_code == 0 and (tmp_path / "opt" / "plan.csv").read_text(encoding="utf-8").startswith(BOM)


def test_a_bad_setting_is_named_with_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "remise.toml").write_text('workers = "many"\n', encoding="utf-8")
    result, said = invoke("validate", TINY)
    assert result.exit_code == 2 and "Traceback" not in said
    assert "remise.toml" in said and "workers" in said and "many" in said
    (tmp_path / "remise.toml").write_text('langue = "fr"\n', encoding="utf-8")
    result, said = invoke("config")
    assert result.exit_code == 2 and "réglage inconnu 'langue'" in said
    result, said = invoke("config", env={"REMISE_LANG": "de"})
    assert result.exit_code == 2
