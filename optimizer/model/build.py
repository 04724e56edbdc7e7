"""The CP-SAT model of a planning day, built only from the screening's options.

`build_model` runs the rule families (`rules.py`) in a fixed order, then the redundant
tightening (`tightening.py`) and the objective levels (`objective.py`). The order is part
of the model: CP-SAT's deterministic search depends on it, so it is kept as it was.
"""

from __future__ import annotations

from ..core.codes import SENSE, Level
from ..plan.rows import Handover
from ..scenario.schema import Scenario
from ..screening import Screening
from . import objective, rules, tightening
from .variables import Draft, HandoverModel


def build_model(scenario: Scenario, screening: Screening, previous: dict[str, Handover] | None = None,
                energetic: bool = True) -> HandoverModel:
    """The model; with `previous` appointments it also has a `changes` level to minimise."""
    d = Draft(scenario, screening, previous)
    rules.decisions(d)
    rules.locks(d)
    rules.places(d)
    rules.officers(d)
    rules.caps(d)
    rules.visitors(d)
    rules.parties(d)
    if energetic:
        tightening.energetic_cuts(d)
    tightening.officer_cliques(d)
    tightening.skill_cumulatives(d)
    if not d.previous:
        # Once appointments are published, officers are no longer interchangeable.
        tightening.identical_officers(d)
    levels = objective.levels(d)
    constants = {}
    if d.previous:
        levels[Level.CHANGES], constants[Level.CHANGES] = objective.changes(d)
    senses = {name: SENSE[name] for name in levels}
    return HandoverModel(d.model, d.v, levels, senses, constants, symmetry_broken=not d.previous)
