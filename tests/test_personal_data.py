"""Party ids may be personal data: warned about, never repeated in sentences, and left out of
a folder written with --redact-parties."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import DATA
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.scenario.parties import looks_personal

FAST = ["--time-limit", "5", "--workers", "1", "--seed", "0"]
EMAIL, PHONE = "jean.dupont@example.fr", "06 12 34 56 78"


def said(result) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


def personal_day(tmp_path: Path) -> Path:
    """tiny.yaml with one seller an e-mail address and one buyer a phone number, and the
    e-mail's seller in two phone sales at 10:00 sharp (two rooms, two officers), so that one is
    explained by the other."""
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8").replace("rooms: [room-1]", "rooms: [room-1, room-2]")
    text = text.replace('windows: ["10:00-11:00"], seller: u-1', f'windows: ["10:00-10:15"], seller: "{EMAIL}"')
    text = text.replace('windows: ["10:00-11:00"], seller: u-3, buyer: u-4',
                        f'windows: ["10:00-10:15"], seller: "{EMAIL}", buyer: "{PHONE}"')
    path = tmp_path / "personal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("party, kind", [
    (EMAIL, "e-mail"), ("a@b.io", "e-mail"), (PHONE, "phone"), ("+33612345678", "phone"), ("06.12.34.56.78", "phone"),
    ("u-1", None), ("lbc-84213", None), ("seller-2026-12-01", None), ("12345", None),
])
def test_contact_details_are_recognised(party, kind):
    assert looks_personal(party) == kind


def test_validate_warns_naming_requests_not_the_ids(tmp_path):
    result = CliRunner().invoke(app, ["validate", str(personal_day(tmp_path))], env={"COLUMNS": "300"})
    assert result.exit_code == 0, said(result)
    assert "look like e-mail addresses or phone numbers" in said(result)
    assert "r1 (seller, e-mail)" in said(result) and "r2 (buyer, phone)" in said(result)
    assert EMAIL not in said(result) and PHONE not in said(result)


def test_unserved_details_and_report_name_requests_not_parties(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(personal_day(tmp_path)), "--out", str(out), *FAST])
    assert result.exit_code == 0, said(result)
    unserved = {row["request_id"]: row for row in csv.DictReader((out / "unserved.csv").open(encoding="utf-8"))}
    explained = unserved.get("r1") or unserved["r2"]
    assert "its seller is already booked" in explained["detail"]
    for name in ("unserved.csv", "findings.json", "report.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert EMAIL not in text and "dupont" not in text, name


def test_redact_parties_writes_a_folder_without_them_that_still_checks(tmp_path):
    scenario, out = personal_day(tmp_path), tmp_path / "out"
    result = CliRunner().invoke(app, ["plan", str(scenario), "--out", str(out), "--redact-parties", *FAST])
    assert result.exit_code == 0, said(result)
    assert "look like e-mail" not in said(result)  # asked for and done: no warning
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for party in (EMAIL, PHONE, "dupont", "u-5", "u-6"):
            assert party not in text, (path.name, party)
    plan = list(csv.DictReader((out / "plan.csv").open(encoding="utf-8")))
    assert plan and all(row["seller"].startswith("p-") and row["buyer"].startswith("p-") for row in plan)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["parties"] == "pseudonymised" and summary["scenario_hash"] != summary["input_hash"]
    # The folder checks against its own copy, and against the input it was made from.
    for args in (["check", str(out / "scenario.yaml"), str(out)], ["check", str(scenario), str(out)]):
        checked = CliRunner().invoke(app, args)
        assert checked.exit_code == 0, said(checked)


def test_a_redacted_folder_offers_against_its_input_and_refuses_a_replan(tmp_path):
    scenario, out = personal_day(tmp_path), tmp_path / "out"
    assert CliRunner().invoke(app, ["plan", str(scenario), "--out", str(out), "--redact-parties", *FAST]).exit_code == 0
    request = tmp_path / "request.yaml"
    # The e-mail seller again: the offer must see them busy in the redacted plan's booking.
    request.write_text(f"id: r9\ncategory: phone\nstations: [st-a]\nwindows: ['10:00-10:15']\nseller: '{EMAIL}'\n"
                       "buyer: u-91\n", encoding="utf-8")
    offered = CliRunner().invoke(app, ["offer", str(scenario), "--plan", str(out), "--request", str(request), "--json"])
    assert offered.exit_code == 0, said(offered)
    assert json.loads(offered.stdout)["options"] == []
    replanned = CliRunner().invoke(app, ["replan", str(scenario), "--previous", str(out), "--out",
                                         str(tmp_path / "new"), *FAST])
    assert replanned.exit_code == 2 and "--redact-parties" in said(replanned)
