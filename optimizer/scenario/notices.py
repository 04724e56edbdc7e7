"""What is valid but probably not meant: said as warnings by `validate` and `plan`, never refused."""

from __future__ import annotations

from .parties import SHOWN, personal_parties_warning
from .schema import Scenario


def late_submissions(scenario: Scenario) -> str | None:
    """Requests submitted after the day they are for: usually a scenario whose `date` is wrong."""
    late = [r.id for r in scenario.requests if r.submitted is not None and r.submitted.date() > scenario.date]
    if not late:
        return None
    named = ", ".join(late[:SHOWN]) + (f" and {len(late) - SHOWN} more" if len(late) > SHOWN else "")
    return (f"{len(late)} requests were submitted after the scenario's date {scenario.date.isoformat()} "
            f"({named}): is the date right?")


def notices(scenario: Scenario, redacted: bool = False) -> list[str]:
    """Every warning about the scenario, in the order a planner should read them."""
    found = [late_submissions(scenario)]
    if not redacted:
        found.append(personal_parties_warning(scenario))
    return [text for text in found if text is not None]
