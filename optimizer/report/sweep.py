"""sweep.csv and sweep.html: the staffing curve and the answer, for station chiefs."""

from __future__ import annotations

import csv
from pathlib import Path

from .workload import environment, new_figure, svg
from ..whatif.sweep import Sweep

REASONS = ("capacity", "no_feasible_slot", "forbidden_item")


def _roster(outcome) -> str:
    return ", ".join(f"{n} officer{'s' if n != 1 else ''} at {s}" for s, n in outcome.variant.roster)


def answers(sweep: Sweep) -> list[str]:
    """One sentence per component: the fewest officers reaching the target, or the best reached."""
    out = []
    for index, group in enumerate(sweep.groups):
        best = sweep.answer(index)
        stations = ", ".join(group)
        if best is None:
            valid = [o for o in sweep.outcomes if o.variant.component == index and o.status != "invalid"]
            if not valid:
                out.append(f"{stations}: no variant could be planned.")
                continue
            top = max(valid, key=lambda o: (o.share, -o.variant.officers))
            roster = _roster(top)
            out.append(f"{stations}: {sweep.target:.0%} is out of reach within the ranges swept; the most served is "
                       f"{top.share:.0%} ({top.served} of {top.servable}) with {roster} ({top.variant.officers} officers).")
            continue
        out.append(f"To serve at least {sweep.target:.0%} of the requests: keep {_roster(best)} — "
                   f"{best.variant.officers} officers, "
                   f"{best.share:.0%} served ({best.served} of {best.servable}), {best.officer_minutes} officer-minutes.")
    return out


def rows(sweep: Sweep) -> list[dict]:
    stations = list(sweep.ranges)
    chosen = {id(sweep.answer(i)) for i in range(len(sweep.groups))}
    out = []
    for o in sweep.outcomes:
        counts = dict(o.variant.roster)
        out.append({
            "component": o.variant.component,
            **{f"officers_{s}": counts.get(s, "") for s in stations},
            "officers": o.variant.officers,
            "requests": o.requests,
            "servable": o.servable,
            "served": o.served if o.status != "invalid" else "",
            "share": f"{o.share:.4f}" if o.status != "invalid" else "",
            "officer_minutes": o.officer_minutes if o.status != "invalid" else "",
            **{f"unserved_{r}": o.unserved.get(r, 0) for r in REASONS},
            "status": o.status,
            "answer": int(id(o) in chosen),
            "detail": o.detail,
        })
    return out


def write_csv(sweep: Sweep, path: Path) -> None:
    table = rows(sweep)
    columns = list(table[0]) if table else ["component", "officers", "status"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def _chart(sweep: Sweep):
    fig = new_figure(3.6)
    ax = fig.add_subplot(1, 1, 1)
    markers = "osD^vP*X"
    for index, station in enumerate(sweep.ranges):
        points = [(n, share) for n, share in sweep.curve(station) if share is not None]
        if points:
            # Distinct markers and a little transparency: curves often meet at the same points.
            ax.plot([n for n, _ in points], [100 * s for _, s in points], marker=markers[index % len(markers)],
                    markersize=9 - index % 3 * 2, alpha=0.8, linewidth=2, label=station)
    ax.axhline(100 * sweep.target, color="#b35900", linestyle="--", linewidth=1, label=f"target {sweep.target:.0%}")
    ax.set_xlabel("officers on duty at the station (others of its group at their maximum)")
    ax.set_ylabel("requests served (%)")
    ax.set_ylim(0, 102)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return svg(fig, "sweep-curves")


def write_html(sweep: Sweep, path: Path, scenario_name: str) -> None:
    stations = list(sweep.ranges)
    table = []
    chosen = {id(sweep.answer(i)) for i in range(len(sweep.groups))}
    for o in sweep.outcomes:
        counts = dict(o.variant.roster)
        invalid = o.status == "invalid"
        table.append({
            "counts": [counts.get(s, "—") for s in stations],
            "officers": o.variant.officers,
            "served": "—" if invalid else f"{o.served} / {o.servable}",
            "share": "—" if invalid else f"{o.share:.0%}",
            "minutes": "—" if invalid else o.officer_minutes,
            "unserved": "" if invalid else ", ".join(f"{n} {r}" for r, n in sorted(o.unserved.items())),
            "status": o.detail if invalid else o.status,
            "answer": id(o) in chosen,
        })
    html = environment().get_template("sweep.html.j2").render(
        lang="en",
        title=f"Staffing sweep — {scenario_name}",
        intro=(f"{len(sweep.outcomes)} rosters planned; each keeps the first N officers of a station's roster. "
               f"Target: {sweep.target:.0%} of the requests that the full roster could serve."),
        answers=answers(sweep),
        method=("Share served = requests planned / requests that are neither forbidden nor impossible with the full "
                "roster. Stations linked by a request or a person are swept together; independent groups apart. "
                "A roster that leaves out an officer named by a confirmed appointment cannot be planned and is "
                "marked invalid."),
        t_curves="Share served against officers on duty", t_variants="Every roster",
        t_officers="officers", t_served="served", t_share="share", t_minutes="officer-minutes",
        t_unserved="unserved", t_status="status", stations=stations, rows=table, chart=_chart(sweep),
        footer="remise sweep",
    )
    path.write_text(html, encoding="utf-8")
