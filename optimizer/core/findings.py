"""Findings: why a request is unserved, or what blocks it, as a code and its parameters.

Screening, the explanations and the offers say *why* with findings; nothing below the
edges builds a sentence. A finding becomes words only where a person reads it (the plan
folder's `unserved.csv`, the report, the terminal, the booking service), through
`core/sentences.py`, in that reader's language. Parameters are plain JSON values (text,
whole minutes, lists), so the plan folder keeps them in `findings.json` and a report can
be rendered again in another language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping


class Why(StrEnum):
    # forbidden_item
    CHARTER = "charter"  # charter: the charter's reason
    # no_feasible_slot, per station (screening)
    NO_STATION_LEFT = "no_station_left"  # every station it listed was removed by a variant
    NO_PLACE_OF_KIND = "no_place_of_kind"  # station, kind
    PARTY_OVER_VISITORS = "party_over_visitors"  # station, party, max_visitors
    NO_SLOT_IN_HOURS = "no_slot_in_hours"  # station, minutes, windows, hours (lists of [start, end])
    NO_OFFICER = "no_officer"  # station, skill (or None)
    OVER_EVERY_CAP = "over_every_cap"  # station, minutes, skill
    NO_OFFICER_ON_SHIFT = "no_officer_on_shift"  # station, minutes, skill, between (ranges)
    # capacity
    FITS_ALONE = "fits_alone"  # fits alone, but not beside the planned requests
    FITS_NOW = "fits_now"  # fits beside the plan as written (a level not proven optimal)
    PLACES_FULL = "places_full"  # station, kind, count, start, end
    VISITORS_FULL = "visitors_full"  # station, max_visitors, start, end
    OFFICERS_AT_CAP = "officers_at_cap"  # station, officers, all (every officer able), skill
    OFFICERS_AT_COUNT = "officers_at_count"  # station, officers, all, skill
    OFFICERS_BUSY = "officers_busy"  # station, officers, all, skill, start, end
    PARTY_BOOKED = "party_booked"  # role (seller|buyer), bookings [[station, start, request]]; never the party id
    NO_SINGLE_RESOURCE = "no_single_resource"  # stations [[station, [blocker kinds, most frequent first]]]
    BETTER_PLAN = "better_plan"  # forced, current: a plan serving it is worth more (not proven)
    TIE = "tie"  # replaced [request ids]: serving it is worth the same
    PUSHED_OUT_BY_HIGHER = "pushed_out_by_higher"  # out [[request, priority]]
    PUSHES_OUT = "pushes_out"  # out [[request, priority]], worth, priority
    # read back from a file that holds only the sentence
    TEXT = "text"  # text


class Blocker(StrEnum):
    """What stands between a request and one start beside a fixed plan."""

    PLACE = "place"
    OFFICER_BUSY = "officer_busy"
    CAP = "cap"
    COUNT = "count"
    VISITORS = "visitors"
    PARTY = "party"


@dataclass(frozen=True)
class Finding:
    why: Why
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"why": self.why.value, **self.params}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """Raises ValueError for an unknown code."""
        params = dict(data)
        return cls(Why(params.pop("why")), params)

    def mentions(self, text: str) -> bool:
        """Whether `text` is one of the parameters, or inside a verbatim sentence."""
        return any(isinstance(v, str) and text in v for v in self.params.values())


def finding(why: Why, **params: Any) -> Finding:
    return Finding(why, params)


# The plain `capacity` detail, until an explanation says more.
FITS_ALONE: tuple[Finding, ...] = (Finding(Why.FITS_ALONE),)


def verbatim(text: str) -> tuple[Finding, ...]:
    """A detail read back as a sentence only (no findings.json beside it)."""
    return (Finding(Why.TEXT, {"text": text}),) if text else ()


def as_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [f.to_json() for f in findings]
