"""The codes a plan is written in: why a request is unserved, and the objective levels.

Each is an `enum.StrEnum`, so a code is also the text written in the files
(`unserved.csv`, `summary.json`) and compares equal to it. Labels for people are
not here: they are sentences of the catalogues (`core/sentences.py`).
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a request is not in the plan (the `reason` column of `unserved.csv`), in the order
    tables list them: what more staff could change first."""

    CAPACITY = "capacity"  # it fits alone, but not beside the requests that were planned
    NO_FEASIBLE_SLOT = "no_feasible_slot"  # nothing could fit it, even alone
    FORBIDDEN_ITEM = "forbidden_item"  # the charter bans its category


class Sense(StrEnum):
    MAX = "max"
    MIN = "min"


class Level(StrEnum):
    """Objective levels, solved lexicographically in `policy.objective` order."""

    SERVED = "served"  # sum of priorities of the planned requests
    OFFICERS = "officers"  # officers with at least one handover
    BALANCE = "balance"  # supervised minutes of the busiest officer
    PREFERENCE = "preference"  # sum of the chosen stations' ranks in the requests' lists
    CHANGES = "changes"  # a re-plan only: the weighted moves of published appointments


class BoundBy(StrEnum):
    """What proved a level's bound (`bound_by` in summary.json): the reader can judge it."""

    CPSAT = "cp-sat"  # the search of the one model of the day
    TIME_INDEXED_LP = "time-indexed-lp"  # HiGHS, a start per request, station and slot (`solvers/bound.py`)
    STATION_LP = "station-lp"  # a station per request, capacities over spans of the day
    PEAK_OVERLAP = "peak-overlap"  # handovers that surely overlap need that many officers
    # what the priority served needs of supervision at the least, against the officers' caps
    # (`officers`) or spread over the officers mobilised (`balance`)
    LEAST_SUPERVISION = "least-supervision"
    PLANNABLE = "plannable"  # every plannable request served: nothing better is known


SENSE: dict[Level, Sense] = {
    Level.SERVED: Sense.MAX,
    Level.OFFICERS: Sense.MIN,
    Level.BALANCE: Sense.MIN,
    Level.PREFERENCE: Sense.MIN,
    Level.CHANGES: Sense.MIN,
}

# The levels a scenario's policy may name, in the contract's default order.
POLICY_LEVELS: tuple[Level, ...] = (Level.SERVED, Level.OFFICERS, Level.BALANCE, Level.PREFERENCE)

# Weights of the `changes` level of a re-plan: what a move costs the parties told.
MOVE_WEIGHTS = {"time_or_station": 4, "place": 2, "officer": 1}
