"""Charts as inline SVG: the figure style every page shares, and the workload charts.

Each chart is one function from a plan folder's rows to an `<svg>` element, drawn with
matplotlib and saved as SVG. Words on a chart come from the catalogue, numbers from
`core/i18n.py`, like the rest of the page.
"""

from __future__ import annotations

import io
import re

import matplotlib
from markupsafe import Markup, escape
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from ..core.i18n import _, integer, percent, pgettext
from ..core.times import format_time
from ..planfolder.folder import PlanFolder
from ..planfolder.metrics import OfficerLoad, StationLoad
from ..scenario.schema import Scenario

WIDTH = 10.5  # inches: 756 pt, shown at the page's width on a laptop screen
SHIFT_GREY = "#dfe3e8"
CLOSED_GREY = "#eeeeee"
SUPERVISION = "#1f4e79"
AT_CAP = "#e07b00"
BELOW_CAP = "#4a7fb0"
ROOM_COLOUR = "#4a7fb0"
BAY_COLOUR = "#7fb04a"
CHART_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    # Words stay text: readable when small, found by the browser's search, read by screen
    # readers; the page's CSS names fonts with DejaVu Sans's metrics where it is missing.
    "svg.fonttype": "none",
    "text.parse_math": False,  # labels are ids and names: '$x$' is text, never TeX
    "text.usetex": False,
}


_LONG_DECIMAL = re.compile(r"(\d\.\d)\d+")


def svg(fig: Figure, name: str, title: str = "") -> Markup:
    """The figure as an inline <svg> element, with ids made unique to this chart, coordinates
    to a tenth of a point (a tenth is below what a screen shows; the file is a third smaller),
    and `title` as its accessible name."""
    buf = io.StringIO()
    with matplotlib.rc_context({**CHART_STYLE, "svg.hashsalt": name}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'url\(#([^)]+)\)', rf'url(#{prefix}-\1)', text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', text)
    text = _LONG_DECIMAL.sub(r"\1", text)
    text = re.sub(r"\n +", "\n", text)  # matplotlib's indentation: a tenth of the bytes
    text = text.replace("<svg ", f'<svg class="chart" data-chart="{prefix}" role="img" ', 1)
    if title:
        head = text.index(">", text.index("<svg")) + 1
        text = text[:head] + f"<title>{escape(title)}</title>" + text[head:]
    return Markup(text)


def new_figure(height: float) -> Figure:
    with matplotlib.rc_context(CHART_STYLE):
        return Figure(figsize=(WIDTH, height))


def _time_axis(ax, first: int, last: int) -> None:
    ax.set_xlim(first, last)
    step = 60 if last - first > 240 else 30
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_minor_locator(MultipleLocator(step // 2 if step == 60 else 15))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_time(int(x)) if 0 <= x <= 1440 else ""))
    ax.grid(axis="x", color="#cccccc", linewidth=0.6)
    ax.grid(axis="x", which="minor", color="#eeeeee", linewidth=0.4)
    ax.set_axisbelow(True)


def _floor_hour(minutes: int) -> int:
    return minutes // 60 * 60


def _ceil_hour(minutes: int) -> int:
    return min(1440, -(-minutes // 60) * 60)


def category_colours(scenario: Scenario) -> dict[str, str]:
    """One colour per category, in the policy's order, the same in every chart."""
    palette = matplotlib.colormaps["tab20"].colors
    order = [name for name, c in scenario.policy.categories.items() if c.forbidden is None]
    colours = {}
    for index, name in enumerate(order):
        r, g, b = palette[(2 * index) % 20 if index < 10 else (2 * index + 1) % 20]
        colours[name] = "#{:02x}{:02x}{:02x}".format(int(r * 255), int(g * 255), int(b * 255))
    return colours


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on the colour."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#ffffff"


def _place_kind(kind: str) -> str:
    return _("room") if kind == "room" else _("bay")


def station_timeline(folder: PlanFolder, station_id: str) -> Markup:
    """One row per room and per bay of the station, one bar per handover labelled with its category."""
    scenario = folder.scenario
    station = scenario.station_by_id[station_id]
    rows = [(p.id, "room") for p in station.rooms] + [(p.id, "bay") for p in station.bays]
    handovers = [h for h in folder.plan.handovers if h.station == station_id]
    known = {place for place, _kind in rows}
    rows += [(place, folder.kind_of(place)) for place in sorted({h.place for h in handovers} - known)]
    first = min([h[0] for h in station.hours] + [h.start for h in handovers])
    last = max([h[1] for h in station.hours] + [h.end for h in handovers])
    first, last = _floor_hour(first), _ceil_hour(last)
    row_height = 0.62
    fig = new_figure(0.75 + row_height * max(1, len(rows)))
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.13, 0.55 / fig.get_figheight(), 0.85, 1 - 0.75 / fig.get_figheight()])
        _time_axis(ax, first, last)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks(range(len(rows)), [f"{place}\n({_place_kind(kind)})" for place, kind in rows], fontsize=8)
        ax.tick_params(axis="y", length=0)
        closed, cursor = [], first
        for start, end in sorted(station.hours):
            if start > cursor:
                closed.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < last:
            closed.append((cursor, last))
        for start, end in closed:
            ax.axvspan(start, end, color=CLOSED_GREY, zorder=0, linewidth=0)
            if end - start >= 45:
                ax.text((start + end) / 2, -0.5, _("closed"), ha="center", va="bottom", fontsize=7.5,
                        color="#888888", clip_on=False)
        for y in range(len(rows) - 1):
            ax.axhline(y + 0.5, color="#dddddd", linewidth=0.6)
        colours = category_colours(scenario)
        turnover = scenario.policy.turnover_minutes
        pt_per_minute = fig.get_figwidth() * 0.85 * 72 / (last - first)
        row_of = {place: y for y, (place, _kind) in enumerate(rows)}
        # One collection of bars per row (and one of turnovers): a bar artist per handover
        # took a second per station on a 1,000-request day.
        bars: dict[int, list] = {}
        for h in handovers:
            bars.setdefault(row_of[h.place], []).append(h)
        for y, placed in bars.items():
            colours_of = [colours.get(h.category, "#888888") for h in placed]
            ax.broken_barh([(h.start, h.end - h.start) for h in placed], (y - 0.39, 0.78), facecolors=colours_of,
                           edgecolors="white", linewidth=0.5)
            if turnover:
                ax.broken_barh([(h.end, turnover) for h in placed], (y - 0.39, 0.78), facecolors=colours_of,
                               alpha=0.28, linewidth=0)
        for h in handovers:
            y = row_of[h.place]
            colour = colours.get(h.category, "#888888")
            width = h.end - h.start
            label = scenario.policy.label(h.category)
            if len(label) * 4.6 + 3 <= width * pt_per_minute:
                ax.text(h.start + width / 2, y, label, ha="center", va="center", fontsize=7.5, color=_ink(colour))
            else:
                size = 7.2 if len(label) <= 8 else 6.5
                ax.text(h.start + width / 2, y, label, ha="center", va="center", fontsize=size,
                        rotation=90, color=_ink(colour))
    return svg(fig, f"station-{station_id}", _("Handovers at {station}, place by place").format(station=station_id))


def officer_timeline(folder: PlanFolder, officers: list[OfficerLoad]) -> Markup:
    """One row per officer: the shift as a light bar, each supervised handover as a dark bar on it."""
    supervised: dict[str, list] = {}
    for h in folder.plan.handovers:
        supervised.setdefault(h.officer, []).append(h)
    n = max(1, len(officers))
    fig = new_figure(0.7 + 0.36 * n)
    first = _floor_hour(min(o.shift_start for o in officers)) if officers else 480
    last = _ceil_hour(max(o.shift_end for o in officers)) if officers else 1080
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.5 / fig.get_figheight(), 0.71, 1 - 0.62 / fig.get_figheight()])
        _time_axis(ax, first, last)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(officers)), [f"{o.officer} · {o.station}" for o in officers])
        ax.tick_params(axis="y", length=0)
        for y, o in enumerate(officers):
            ax.broken_barh([(o.shift_start, o.shift_end - o.shift_start)], (y - 0.35, 0.7), facecolors=SHIFT_GREY)
            ax.broken_barh([(h.start, h.end - h.start) for h in supervised.get(o.officer, [])], (y - 0.25, 0.5),
                           facecolors=SUPERVISION, edgecolors="white", linewidth=0.4)
            ax.text(1.01, y, _("{n} min").format(n=integer(o.supervised_minutes)) + f" · {percent(o.share_of_shift)}",
                    transform=ax.get_yaxis_transform(), va="center", fontsize=8.5)
    return svg(fig, "officers-timeline", _("Supervision during the shift, officer by officer"))


def officer_caps(officers: list[OfficerLoad]) -> Markup:
    """Supervised minutes per officer as bars, each officer's cap as a black mark."""
    n = max(1, len(officers))
    fig = new_figure(0.75 + 0.3 * n)
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.55 / fig.get_figheight(), 0.71, 1 - 0.65 / fig.get_figheight()])
        top = max([1] + [o.cap for o in officers] + [o.supervised_minutes for o in officers])
        ax.set_xlim(0, top * 1.04)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(officers)), [f"{o.officer} · {o.station}" for o in officers])
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(_("supervised minutes"))
        for y, o in enumerate(officers):
            colour = AT_CAP if o.supervised_minutes >= o.cap else BELOW_CAP
            ax.barh(y, o.supervised_minutes, height=0.62, color=colour)
            ax.plot([o.cap, o.cap], [y - 0.42, y + 0.42], color="#111111", linewidth=2.2, solid_capstyle="butt")
            ax.text(1.01, y, f"{integer(o.supervised_minutes)} / " + _("{n} min").format(n=integer(o.cap)),
                    transform=ax.get_yaxis_transform(), va="center", fontsize=8.5)
    return svg(fig, "officers-caps", _("Supervised minutes against the cap"))


def utilisation_chart(stations: list[StationLoad]) -> Markup:
    """Room and bay utilisation per station, side by side."""
    n = max(1, len(stations))
    fig = new_figure(1.0 + 0.55 * n)
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.6 / fig.get_figheight(), 0.71, 1 - 0.95 / fig.get_figheight()])
        ax.set_xlim(0, 100)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(stations)), [s.station for s in stations])
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: percent(x / 100)))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for y, s in enumerate(stations):
            for offset, value, colour, label in ((-0.19, s.room_utilisation, ROOM_COLOUR, _("Rooms")),
                                                 (0.19, s.bay_utilisation, BAY_COLOUR, _("Bays"))):
                shown = 0 if value is None else 100 * value
                ax.barh(y + offset, shown, height=0.36, color=colour, label=label if y == 0 else None)
                text = percent(value) if value is not None else pgettext("place", "none")
                ax.text(shown + 1, y + offset, text, va="center", fontsize=8)
        ax.legend(loc="lower left", frameon=False, ncols=2, bbox_to_anchor=(0.0, 1.0), fontsize=9)
    return svg(fig, "utilisation", _("Room and bay utilisation"))
