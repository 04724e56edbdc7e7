"""sweep.csv and sweep.html: the staffing curve and the answer, for station chiefs."""

from __future__ import annotations

from pathlib import Path

from ..core.codes import Reason
from ..core.csvfile import Number, write_csv
from ..core.i18n import _, language, ngettext, percent
from ..core.sentences import reason_label
from ..whatif.sweep import INVALID, Outcome, Sweep
from .charts import new_figure, svg
from .pages import render, write_page

SWEEP_CSV = "sweep.csv"
SWEEP_HTML = "sweep.html"


def _roster(outcome: Outcome) -> str:
    return ", ".join(ngettext("{n} officer at {station}", "{n} officers at {station}", n).format(n=n, station=s)
                     for s, n in outcome.variant.roster)


def answers(sweep: Sweep) -> list[str]:
    """One sentence per component: the fewest officers reaching the target, or the best reached."""
    out = []
    for index, group in enumerate(sweep.groups):
        best = sweep.answer(index)
        stations = ", ".join(group)
        if best is None:
            valid = [o for o in sweep.outcomes if o.variant.component == index and o.status != INVALID]
            if not valid:
                out.append(_("{stations}: no variant could be planned.").format(stations=stations))
                continue
            top = max(valid, key=lambda o: (o.share, -o.variant.officers))
            out.append(_("{stations}: {target} is out of reach within the ranges swept; the most served is {share}"
                         " ({served} of {servable}) with {roster} ({officers} officers).").format(
                stations=stations, target=percent(sweep.target), share=percent(top.share), served=top.served,
                servable=top.servable, roster=_roster(top), officers=top.variant.officers))
            continue
        out.append(_("To serve at least {target} of the requests: keep {roster} — {officers} officers, {share} served"
                     " ({served} of {servable}), {minutes} officer-minutes.").format(
            target=percent(sweep.target), roster=_roster(best), officers=best.variant.officers,
            share=percent(best.share), served=best.served, servable=best.servable, minutes=best.officer_minutes))
    return out


def _chosen(sweep: Sweep) -> set[int]:
    return {id(sweep.answer(i)) for i in range(len(sweep.groups))}


def write_sweep_csv(sweep: Sweep, path: Path) -> None:
    stations = list(sweep.ranges)
    chosen = _chosen(sweep)
    columns = ["component", *(f"officers_{s}" for s in stations), "officers", "requests", "servable", "served",
               "share", "officer_minutes", *(f"unserved_{r}" for r in Reason), "status", "answer", "detail"]
    rows = []
    for o in sweep.outcomes:
        counts = dict(o.variant.roster)
        valid = o.status != INVALID
        rows.append({
            "component": o.variant.component,
            **{f"officers_{s}": counts.get(s, "") for s in stations},
            "officers": o.variant.officers,
            "requests": o.requests,
            "servable": o.servable,
            "served": o.served if valid else "",
            "share": Number(f"{o.share:.4f}") if valid else "",
            "officer_minutes": o.officer_minutes if valid else "",
            **{f"unserved_{r}": o.unserved.get(r, 0) for r in Reason},
            "status": o.status,
            "answer": int(id(o) in chosen),
            "detail": o.detail,
        })
    write_csv(path, columns, rows)


def _chart(sweep: Sweep):
    fig = new_figure(3.6)
    ax = fig.add_subplot(1, 1, 1)
    markers = "osD^vP*X"
    for index, station in enumerate(sweep.ranges):
        points = [(n, share) for n, share in sweep.curve(station) if share is not None]
        if points:
            # Distinct markers and a little transparency: curves often meet at the same points.
            ax.plot([n for n, _s in points], [100 * s for _n, s in points], marker=markers[index % len(markers)],
                    markersize=9 - index % 3 * 2, alpha=0.8, linewidth=2, label=station)
    ax.axhline(100 * sweep.target, color="#b35900", linestyle="--", linewidth=1,
               label=_("target {target}").format(target=percent(sweep.target)))
    ax.set_xlabel(_("officers on duty at the station (others of its group at their maximum)"))
    ax.set_ylabel(_("requests served (%)"))
    ax.set_ylim(0, 102)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return svg(fig, "sweep-curves")


def write_sweep_html(sweep: Sweep, path: Path, scenario_name: str, lang: str = "fr") -> None:
    stations = list(sweep.ranges)
    chosen = _chosen(sweep)
    with language(lang):
        table = []
        for o in sweep.outcomes:
            counts = dict(o.variant.roster)
            invalid = o.status == INVALID
            table.append({
                "counts": [counts.get(s, "—") for s in stations],
                "officers": o.variant.officers,
                "served": "—" if invalid else f"{o.served} / {o.servable}",
                "share": "—" if invalid else percent(o.share),
                "minutes": "—" if invalid else o.officer_minutes,
                "unserved": "" if invalid else ", ".join(f"{n} {reason_label(r)}" for r, n in sorted(o.unserved.items())),
                "status": o.detail if invalid else o.status,
                "answer": id(o) in chosen,
            })
        html = render(
            "sweep.html.j2", scenario=scenario_name, count=len(sweep.outcomes), target=percent(sweep.target),
            answers=answers(sweep), stations=stations, rows=table, chart=_chart(sweep),
        )
    write_page(path, html)
