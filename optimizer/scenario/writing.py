"""A validated scenario written back as one self-contained YAML file that reloads to the same day.

Used for the copy kept in every plan folder and for a day exported from the booking
platform's database: `extends` and CSV sections resolved, times written `HH:MM`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .schema import Scenario


def scenario_yaml(scenario: Scenario, comment: str) -> str:
    data = scenario.model_dump(mode="json", exclude_none=True)
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_scenario_file(scenario: Scenario, path: Path, comment: str) -> None:
    Path(path).write_text(scenario_yaml(scenario, comment), encoding="utf-8")
