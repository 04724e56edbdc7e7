"""Findings and codes in words, in the current language (`core/i18n.py`).

The only place where a finding becomes a sentence; the edges (plan folder, report,
terminal, booking service) call `detail` or `sentence` inside `language(...)`.
"""

from __future__ import annotations

from typing import Any, Iterable

from .codes import BoundBy, Level, Reason
from .findings import Blocker, Finding, Why
from .i18n import N_, _, ngettext, percent
from .times import format_range, format_time

REASON_LABELS = {
    Reason.FORBIDDEN_ITEM: N_("item forbidden by the charter"),
    Reason.NO_FEASIBLE_SLOT: N_("no feasible slot"),
    Reason.CAPACITY: N_("not enough capacity"),
}

LEVEL_LABELS = {
    Level.SERVED: N_("requests served, weighted by priority (to maximise)"),
    Level.OFFICERS: N_("officers mobilised (to minimise)"),
    Level.BALANCE: N_("minutes of the busiest officer (to minimise)"),
    Level.PREFERENCE: N_("rank of the station given in each request's list, summed (0: every request at its first choice; to minimise)"),
    Level.CHANGES: N_("changes to published appointments, weighted (to minimise)"),
}

BOUND_LABELS = {
    BoundBy.CPSAT: N_("CP-SAT search"),
    BoundBy.TIME_INDEXED_LP: N_("time-indexed LP relaxation"),
    BoundBy.STATION_LP: N_("LP relaxation by station"),
    BoundBy.PEAK_OVERLAP: N_("peak of handovers that surely overlap"),
    BoundBy.LEAST_SUPERVISION: N_("fewest minutes of supervision that serve as much"),
    BoundBy.PLANNABLE: N_("every plannable request served"),
}

PLACE_WORDS = {"room": N_("room"), "bay": N_("bay")}

BLOCKER_LABELS = {
    Blocker.PLACE: N_("places full"),
    Blocker.CAP: N_("officers at cap"),
    Blocker.OFFICER_BUSY: N_("officers busy"),
    Blocker.COUNT: N_("officers at max_handovers"),
    Blocker.VISITORS: N_("visitor limit"),
    Blocker.PARTY: N_("a party already booked"),
}


def reason_label(code: str) -> str:
    """A reason code for people; an unknown code (a hand-edited file) as written."""
    try:
        return _(REASON_LABELS[Reason(code)])
    except ValueError:
        return code


def level_label(name: str) -> str:
    try:
        return _(LEVEL_LABELS[Level(name)])
    except ValueError:
        return name


# A level's status (solvers/result.py's Status) in words; `feasible` also says its gap.
STATUS_LABELS = {
    "optimal": N_("optimal"),
    "unknown": N_("no solution at this level: value of the previous plan"),
    "heuristic": N_("heuristic: nothing proven"),
    "fixed": N_("settled by an earlier round"),
    "interrupted": N_("interrupted before it was settled"),
}


def level_status(status: str, gap: float | None) -> str:
    """A level's status in words: optimal, or not proven with its gap or with no bound known;
    an unknown code (a hand-edited file) as written."""
    if status == "feasible":
        if gap is None:
            return _("not proven optimal: no bound known")
        return _("not proven optimal: gap {gap}").format(gap=percent(float(gap), 1))
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else str(status)


def bound_label(code: str | None) -> str:
    """What proved a bound, for people; empty when nothing did."""
    if not code:
        return ""
    try:
        return _(BOUND_LABELS[BoundBy(code)])
    except ValueError:
        return code


def _ranges(ranges: Iterable[Any]) -> str:
    return ", ".join(format_range(tuple(r)) for r in ranges)


def _window(p: dict[str, Any]) -> str:
    return f"{format_time(p['start'])}–{format_time(p['end'])}"


def _count_word(count: int) -> str:
    return {3: _("three"), 4: _("four")}.get(count, str(count))


def _places_full(p: dict[str, Any]) -> str:
    station, window, count = p["station"], _window(p), p["count"]
    room = p["kind"] == "room"
    if count == 1:
        text = _("the only room at {station} is full {window}") if room else \
            _("the only bay at {station} is full {window}")
    elif count == 2:
        text = _("both rooms at {station} are full {window}") if room else \
            _("both bays at {station} are full {window}")
    else:
        text = _("all {count} rooms at {station} are full {window}") if room else \
            _("all {count} bays at {station} are full {window}")
    return text.format(station=station, window=window, count=_count_word(count))


def _officers(why: Why, p: dict[str, Any]) -> str:
    """Officers at their cap, at their max_handovers, or busy: all of a station's, or named ones."""
    station, officers, skill = p["station"], p["officers"], p.get("skill")
    window = _window(p) if why == Why.OFFICERS_BUSY else ""
    if p.get("all") and len(officers) > 1:
        if skill:
            text = {
                Why.OFFICERS_AT_CAP: _("the officers with skill '{skill}' at {station} are at their supervision cap"),
                Why.OFFICERS_AT_COUNT: _("the officers with skill '{skill}' at {station} are at their max_handovers"),
                Why.OFFICERS_BUSY: _("the officers with skill '{skill}' at {station} are busy with other handovers {window}"),
            }[why]
        else:
            text = {
                Why.OFFICERS_AT_CAP: _("the officers at {station} are at their supervision cap"),
                Why.OFFICERS_AT_COUNT: _("the officers at {station} are at their max_handovers"),
                Why.OFFICERS_BUSY: _("the officers at {station} are busy with other handovers {window}"),
            }[why]
    else:
        n = len(officers)
        text = {
            Why.OFFICERS_AT_CAP: ngettext("officer {officers} at {station} is at their supervision cap",
                                          "officers {officers} at {station} are at their supervision cap", n),
            Why.OFFICERS_AT_COUNT: ngettext("officer {officers} at {station} is at their max_handovers",
                                            "officers {officers} at {station} are at their max_handovers", n),
            Why.OFFICERS_BUSY: ngettext("officer {officers} at {station} is busy with other handovers {window}",
                                        "officers {officers} at {station} are busy with other handovers {window}", n),
        }[why]
    return text.format(officers=", ".join(officers), station=station, skill=skill, window=window)


def _who(skill: str | None) -> dict[str, str]:
    return {"skill": skill or ""}


def sentence(f: Finding) -> str:
    """One finding as one sentence (without a final full stop, as details are joined)."""
    p, why = dict(f.params), f.why
    if why == Why.TEXT or why == Why.CHARTER:
        return str(p.get("text", p.get("charter", "")))
    if why == Why.NO_STATION_LEFT:
        return _("every station it listed was removed")
    if why == Why.NO_PLACE_OF_KIND:
        text = _("{station} has no room") if p["kind"] == "room" else _("{station} has no bay")
        return text.format(**p)
    if why == Why.PARTY_OVER_VISITORS:
        return _("party of {party} exceeds max_visitors {max_visitors} at {station}").format(**p)
    if why == Why.NO_SLOT_IN_HOURS:
        return _("no {minutes}-minute slot in the windows ({windows}) within the hours of {station} ({hours})").format(
            minutes=p["minutes"], windows=_ranges(p["windows"]), station=p["station"], hours=_ranges(p["hours"]))
    if why == Why.NO_OFFICER:
        text = _("no officer with skill '{skill}' at {station}") if p.get("skill") else _("no officer at {station}")
        return text.format(station=p["station"], **_who(p.get("skill")))
    if why == Why.OVER_EVERY_CAP:
        text = (_("a {minutes}-minute handover exceeds the supervision cap of every officer with skill '{skill}' at {station}")
                if p.get("skill") else
                _("a {minutes}-minute handover exceeds the supervision cap of every officer at {station}"))
        return text.format(minutes=p["minutes"], station=p["station"], **_who(p.get("skill")))
    if why == Why.NO_OFFICER_ON_SHIFT:
        text = (_("no officer with skill '{skill}' on shift at {station} for {minutes} minutes between {between}")
                if p.get("skill") else
                _("no officer on shift at {station} for {minutes} minutes between {between}"))
        return text.format(station=p["station"], minutes=p["minutes"], between=_ranges(p["between"]),
                           **_who(p.get("skill")))
    if why == Why.FITS_ALONE:
        return _("fits alone, but not beside the requests that were planned")
    if why == Why.FITS_NOW:
        return _("it fits beside the plan as written (the served level was not proven optimal)")
    if why == Why.PLACES_FULL:
        return _places_full(p)
    if why == Why.VISITORS_FULL:
        return _("{station} is at max_visitors ({max_visitors}) {window}").format(
            station=p["station"], max_visitors=p["max_visitors"], window=_window(p))
    if why in (Why.OFFICERS_AT_CAP, Why.OFFICERS_AT_COUNT, Why.OFFICERS_BUSY):
        return _officers(why, p)
    if why == Why.PARTY_BOOKED:
        where = "; ".join(_("at {station} at {time} ({request})").format(station=s, time=format_time(t), request=r)
                          for s, t, r in p["bookings"])
        text = _("its seller is already booked {where}") if p["role"] == "seller" else \
            _("its buyer is already booked {where}")
        return text.format(where=where)
    if why == Why.NO_SINGLE_RESOURCE:
        parts = [_("at {station}: {blockers}").format(
            station=station, blockers=_(" and ").join(_(BLOCKER_LABELS[Blocker(k)]) for k in kinds))
            for station, kinds in p["stations"]]
        return _("no single resource would free it ({parts})").format(parts="; ".join(parts))
    if why == Why.BETTER_PLAN:
        return _("a plan serving it reaches {forced} on the served level against this plan's {current}"
                 " (not proven optimal)").format(**p)
    if why == Why.TIE:
        if p["replaced"]:
            return _("serving it in place of {requests} is worth the same; the tie went to the later objective"
                     " levels").format(requests=", ".join(p["replaced"]))
        return _("serving it is worth the same; the tie went to the later objective levels")
    if why in (Why.PUSHED_OUT_BY_HIGHER, Why.PUSHES_OUT):
        names = ", ".join(_("{request} (priority {priority})").format(request=r, priority=q) for r, q in p["out"])
        if why == Why.PUSHED_OUT_BY_HIGHER:
            return _("a higher-priority request took the last slot: serving it would push out {names}").format(
                names=names)
        return _("serving it would push out {names}, worth {worth} against its {priority}").format(
            names=names, worth=p["worth"], priority=p["priority"])
    raise ValueError(f"no sentence for finding '{why}'")


def detail(findings: Iterable[Finding]) -> str:
    """The `detail` of an unserved request: its findings, one clause each."""
    return "; ".join(sentence(f) for f in findings)
