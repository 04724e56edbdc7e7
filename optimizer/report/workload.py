"""The workload report: `report.html`, rendered from a plan folder alone.

Stages, in this order: read the folder (`read_plan_folder`), draw the charts
(one function per chart, matplotlib saved as SVG and inlined), fill the
template (`templates/report.html.j2`). Every number shown comes from the
folder's files (officers.csv, stations.csv, summary.json, plan.csv,
unserved.csv, scenario.yaml), so `remise report` re-renders it without solving.
The words of the report, in French and English, are in `STRINGS`.
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import yaml
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator


from ..planfolder.folder import load_dumped_scenario
from ..scenario.schema import Scenario
from ..core.times import format_time, parse_time

LANGS = ("fr", "en")
NBSP = "\u00a0"
MINUS = "\u2212"

# --------------------------------------------------------------------------- words

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport de charge — {scenario}",
        "colon": "\u00a0: ",
        "intro": "Plan du {date} pour le scénario {scenario} : {served} demandes servies sur {requests} ({share}), "
                 "{minutes} minutes d'agents prises sur leurs missions de police.",
        "intro_purpose": "Ce rapport montre le temps que les remises en main propre prennent aux agents, "
                         "commissariat par commissariat et agent par agent.",
        "headline": "Chiffres clés",
        "served": "Demandes servies",
        "served_of": "sur {requests} reçues",
        "unserved": "Demandes non servies",
        "none": "aucune",
        "mobilised": "Agents mobilisés",
        "mobilised_of": "sur {officers} au planning",
        "minutes": "Minutes d'agents prises aux missions",
        "minutes_note": "temps de supervision cumulé, soit {hours}",
        "max_share": "Part maximale du service d'un agent",
        "stations_title": "Commissariats",
        "station_timeline_note": "Une ligne par salle et par emplacement, une barre par remise avec sa catégorie ; "
                                 "la partie claire après chaque barre est le temps de remise en état du lieu ({turnover} min). "
                                 "En gris : commissariat fermé.",
        "station_stats": "{handovers} remises · salles occupées {rooms} · emplacements occupés {bays} · "
                         "au plus {peak} visiteurs à la fois",
        "closed": "fermé",
        "room": "salle",
        "bay": "emplacement",
        "officers_title": "Agents",
        "officer_timeline": "Supervision pendant le service",
        "officer_timeline_note": "Barre claire : le service de l'agent ce jour-là ; barres foncées : les remises qu'il supervise.",
        "caps_title": "Minutes supervisées et plafond",
        "caps_note": "Le trait noir marque le plafond de supervision de chaque agent ; en orange, les agents qui l'atteignent.",
        "officer": "Agent",
        "station": "Commissariat",
        "shift": "Service",
        "shift_minutes": "Minutes de service",
        "supervised_minutes": "Minutes supervisées",
        "cap": "Plafond",
        "handovers": "Remises",
        "share_of_shift": "Part du service",
        "first_last": "Remises de … à …",
        "utilisation_title": "Occupation des salles et des emplacements",
        "utilisation_note": "Part du temps d'ouverture pendant laquelle les salles (ou les emplacements) accueillent une remise.",
        "rooms": "Salles",
        "bays": "Emplacements",
        "room_utilisation": "Occupation des salles",
        "bay_utilisation": "Occupation des emplacements",
        "peak_visitors": "Visiteurs simultanés (max.)",
        "no_place": "aucun",
        "unserved_title": "Demandes non servies",
        "unserved_empty": "Toutes les demandes sont servies.",
        "request": "Demande",
        "category": "Catégorie",
        "stations_accepted": "Commissariats acceptés",
        "windows": "Créneaux",
        "reason": "Motif",
        "detail": "Détail",
        "reason.capacity": "capacité insuffisante",
        "reason.forbidden_item": "objet interdit par la charte",
        "reason.no_feasible_slot": "aucun créneau possible",
        "detail.capacity": "possible seule, mais pas à côté des remises planifiées",
        "solve_title": "Qualité de la résolution",
        "solve_note": "Les objectifs sont optimisés l'un après l'autre, dans cet ordre ; chacun est ensuite maintenu.",
        "level": "Objectif",
        "value": "Valeur",
        "bound": "Borne",
        "status": "Statut",
        "seconds": "Durée",
        "level.served": "demandes servies, pondérées par priorité (max.)",
        "level.officers": "agents mobilisés (min.)",
        "level.balance": "minutes du plus chargé des agents (min.)",
        "level.preference": "éloignement du commissariat préféré (min.)",
        "status.optimal": "optimal",
        "status.feasible": "non prouvé optimal : écart {gap}",
        "status.unknown": "aucune solution à ce niveau : valeur du plan précédent",
        "plan_details": "Détail des remises ({n})",
        "time": "Heure",
        "place": "Lieu",
        "footer": "Généré à partir des fichiers de ce dossier de plan (plan.csv, unserved.csv, officers.csv, stations.csv, "
                  "summary.json, scenario.yaml). Solveur {solver} ({version}), graine {seed}, {workers} workers, "
                  "{seconds} de calcul. Empreinte du scénario : {hash}.",
        "sec": "{n} s",
        "min": "{n} min",
        "hours": "{h} h {m:02d}",
        "axis_minutes": "minutes supervisées",
        "axis_share": "occupation (%)",
        # comparison
        "cmp_title": "Comparaison — {names}",
        "cmp_intro": "Les mêmes indicateurs pour chaque scénario, au total puis par commissariat ; "
                     "les écarts sont calculés par rapport au premier scénario, {ref}.",
        "cmp_answer": "Avec {name} : {parts} (par rapport à {ref}).",
        "cmp_served_less": "{n} demande{s} servie{s} de moins",
        "cmp_served_more": "{n} demande{s} servie{s} de plus",
        "cmp_served_same": "autant de demandes servies",
        "cmp_minutes_less": "{n} minutes d'agents en moins",
        "cmp_minutes_more": "{n} minutes d'agents en plus",
        "cmp_minutes_same": "autant de minutes d'agents",
        "cmp_officers_less": "{n} agent{s} de moins au planning",
        "cmp_officers_more": "{n} agent{s} de plus au planning",
        "cmp_by_station": "Demandes servies, écart par commissariat : {items}.",
        "cmp_caution": "Attention : le plan de {name} n'est pas prouvé optimal ({levels}) ; une partie de l'écart "
                       "peut venir du temps de calcul.",
        "cmp_scenarios": "Scénarios comparés",
        "cmp_scenario": "Scénario",
        "cmp_source": "Source",
        "cmp_date": "Date",
        "cmp_report": "Rapport",
        "cmp_planned": "planifié pour cette comparaison",
        "cmp_existing": "dossier de plan existant",
        "cmp_open": "ouvrir",
        "cmp_total": "Total",
        "cmp_chart_title": "Demandes servies et minutes d'agents",
        "cmp_chart_note": "À gauche, chaque point est un scénario ; à droite, les mêmes chiffres par commissariat.",
        "cmp_per_station": "Par commissariat",
        "cmp_metric": "Indicateur",
        "cmp_diff": "écart",
        "cmp_reference": "référence",
        "m.requests": "Demandes reçues",
        "m.served": "Demandes servies",
        "m.unserved": "Demandes non servies",
        "m.unserved_reason": "dont {reason}",
        "m.officers_rostered": "Agents au planning",
        "m.officers_mobilised": "Agents mobilisés",
        "m.supervised_minutes": "Minutes d'agents supervisées",
        "m.share_of_shift": "Part du service (ensemble)",
        "m.max_share_of_shift": "Part maximale du service d'un agent",
        "m.room_utilisation": "Occupation des salles",
        "m.bay_utilisation": "Occupation des emplacements",
        "cmp_footer": "Chiffres lus dans les dossiers de plan de chaque scénario ; les mêmes, avec les écarts, "
                      "sont dans comparison.csv.",
        "cmp_requests_note": "Par commissariat, les demandes reçues et non servies comptent pour le premier commissariat "
                             "que la demande accepte ; les demandes servies, là où la remise a lieu.",
        "axis_served": "demandes servies",
        "axis_officer_minutes": "minutes d'agents supervisées",
    },
    "en": {
        "title": "Workload report — {scenario}",
        "colon": ": ",
        "intro": "Plan for {date}, scenario {scenario}: {served} of {requests} requests served ({share}), "
                 "{minutes} officer-minutes taken from core police duties.",
        "intro_purpose": "This report shows the time that in-person handovers take from officers, "
                         "station by station and officer by officer.",
        "headline": "Key figures",
        "served": "Requests served",
        "served_of": "of {requests} received",
        "unserved": "Requests not served",
        "none": "none",
        "mobilised": "Officers mobilised",
        "mobilised_of": "of {officers} rostered",
        "minutes": "Officer-minutes taken from core duties",
        "minutes_note": "total supervision time, that is {hours}",
        "max_share": "Largest share of an officer's shift",
        "stations_title": "Stations",
        "station_timeline_note": "One row per room and per bay, one bar per handover with its category; the light part "
                                 "after each bar is the turnover time of the place ({turnover} min). Grey: station closed.",
        "station_stats": "{handovers} handovers · rooms in use {rooms} · bays in use {bays} · "
                         "at most {peak} visitors at once",
        "closed": "closed",
        "room": "room",
        "bay": "bay",
        "officers_title": "Officers",
        "officer_timeline": "Supervision during the shift",
        "officer_timeline_note": "Light bar: the officer's shift that day; dark bars: the handovers they supervise.",
        "caps_title": "Supervised minutes against the cap",
        "caps_note": "The black mark is each officer's supervision cap; orange bars reach it.",
        "officer": "Officer",
        "station": "Station",
        "shift": "Shift",
        "shift_minutes": "Shift minutes",
        "supervised_minutes": "Supervised minutes",
        "cap": "Cap",
        "handovers": "Handovers",
        "share_of_shift": "Share of shift",
        "first_last": "Handovers from … to …",
        "utilisation_title": "Room and bay utilisation",
        "utilisation_note": "Share of opening time during which the rooms (or bays) host a handover.",
        "rooms": "Rooms",
        "bays": "Bays",
        "room_utilisation": "Room utilisation",
        "bay_utilisation": "Bay utilisation",
        "peak_visitors": "Peak visitors",
        "no_place": "none",
        "unserved_title": "Requests not served",
        "unserved_empty": "Every request is served.",
        "request": "Request",
        "category": "Category",
        "stations_accepted": "Stations accepted",
        "windows": "Windows",
        "reason": "Reason",
        "detail": "Detail",
        "reason.capacity": "not enough capacity",
        "reason.forbidden_item": "item forbidden by the charter",
        "reason.no_feasible_slot": "no feasible slot",
        "detail.capacity": "fits alone, but not beside the requests that were planned",
        "solve_title": "Solve quality",
        "solve_note": "The objectives are optimised one after the other, in this order; each is then held.",
        "level": "Objective",
        "value": "Value",
        "bound": "Bound",
        "status": "Status",
        "seconds": "Time",
        "level.served": "requests served, weighted by priority (max)",
        "level.officers": "officers mobilised (min)",
        "level.balance": "minutes of the busiest officer (min)",
        "level.preference": "distance from the preferred station (min)",
        "status.optimal": "optimal",
        "status.feasible": "not proven optimal: gap {gap}",
        "status.unknown": "no solution at this level: value of the previous plan",
        "plan_details": "Handover details ({n})",
        "time": "Time",
        "place": "Place",
        "footer": "Generated from the files of this plan folder (plan.csv, unserved.csv, officers.csv, stations.csv, "
                  "summary.json, scenario.yaml). Solver {solver} ({version}), seed {seed}, {workers} workers, "
                  "{seconds} of solving. Scenario hash: {hash}.",
        "sec": "{n} s",
        "min": "{n} min",
        "hours": "{h} h {m:02d} min",
        "axis_minutes": "supervised minutes",
        "axis_share": "utilisation (%)",
        "cmp_title": "Comparison — {names}",
        "cmp_intro": "The same figures for each scenario, in total and per station; the differences are "
                     "against the first scenario, {ref}.",
        "cmp_answer": "With {name}: {parts} (against {ref}).",
        "cmp_served_less": "{n} fewer request{s} served",
        "cmp_served_more": "{n} more request{s} served",
        "cmp_served_same": "as many requests served",
        "cmp_minutes_less": "{n} fewer officer-minutes",
        "cmp_minutes_more": "{n} more officer-minutes",
        "cmp_minutes_same": "as many officer-minutes",
        "cmp_officers_less": "{n} fewer officer{s} rostered",
        "cmp_officers_more": "{n} more officer{s} rostered",
        "cmp_by_station": "Requests served, difference per station: {items}.",
        "cmp_caution": "Caution: the plan of {name} is not proven optimal ({levels}); part of the difference may "
                       "come from the solving time.",
        "cmp_scenarios": "Scenarios compared",
        "cmp_scenario": "Scenario",
        "cmp_source": "Source",
        "cmp_date": "Date",
        "cmp_report": "Report",
        "cmp_planned": "planned for this comparison",
        "cmp_existing": "existing plan folder",
        "cmp_open": "open",
        "cmp_total": "Total",
        "cmp_chart_title": "Requests served and officer-minutes",
        "cmp_chart_note": "Left, each point is a scenario; right, the same figures per station.",
        "cmp_per_station": "Per station",
        "cmp_metric": "Figure",
        "cmp_diff": "difference",
        "cmp_reference": "reference",
        "m.requests": "Requests received",
        "m.served": "Requests served",
        "m.unserved": "Requests not served",
        "m.unserved_reason": "of which {reason}",
        "m.officers_rostered": "Officers rostered",
        "m.officers_mobilised": "Officers mobilised",
        "m.supervised_minutes": "Officer-minutes supervised",
        "m.share_of_shift": "Share of shifts (all officers)",
        "m.max_share_of_shift": "Largest share of an officer's shift",
        "m.room_utilisation": "Room utilisation",
        "m.bay_utilisation": "Bay utilisation",
        "cmp_footer": "Figures read from each scenario's plan folder; the same, with the differences, are in "
                      "comparison.csv.",
        "cmp_requests_note": "Per station, requests received and not served count for the first station the request "
                             "accepts; requests served, where the handover takes place.",
        "axis_served": "requests served",
        "axis_officer_minutes": "officer-minutes supervised",
    },
}

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


class Words:
    """The strings of one language, with the number formats that go with it."""

    def __init__(self, lang: str):
        if lang not in STRINGS:
            raise ValueError(f"unknown language '{lang}' (expected one of {', '.join(LANGS)})")
        self.lang = lang
        self.strings = STRINGS[lang]
        if lang == "fr":  # no line break before a colon or semicolon
            self.strings = {k: v.replace(" :", NBSP + ":").replace(" ;", NBSP + ";") for k, v in self.strings.items()}

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings.get(key, key)
        return text.format(**values) if values else text

    def html(self, key: str, **values: Any) -> Markup:
        """The string as HTML: values are escaped unless they are Markup already."""
        return Markup(self.strings.get(key, key)).format(**values)

    def reason(self, code: str) -> str:
        return self.strings.get(f"reason.{code}", code)

    def level(self, name: str) -> str:
        return self.strings.get(f"level.{name}", name)

    def int(self, value: float | int | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        whole = math.floor(abs(value) + 0.5) * (1 if value >= 0 else -1)  # half up, as people round
        text = f"{whole:,}"
        text = text.replace(",", NBSP) if self.lang == "fr" else text
        return text.replace("-", MINUS)

    def signed(self, value: float | int | None, digits: int = 0) -> str:
        """A difference: +3, −12, 0 (percentage points when digits is given for shares)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if round(value, digits) == 0:
            return "0"
        body = self.int(abs(value)) if digits == 0 else self.decimal(abs(value), digits)
        return ("+" if value > 0 else MINUS) + body

    def decimal(self, value: float, digits: int = 1) -> str:
        text = f"{value:,.{digits}f}"
        if self.lang == "fr":
            text = text.replace(",", NBSP).replace(".", ",")
        return text.replace("-", MINUS)

    def pct(self, share: float | None, digits: int = 0) -> str:
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return "—"
        number = self.decimal(100 * share, digits) if digits else self.int(100 * share)
        return f"{number}{NBSP}%" if self.lang == "fr" else f"{number}%"

    def pct_points(self, delta: float | None) -> str:
        """A difference between two shares, in percentage points."""
        if delta is None or (isinstance(delta, float) and math.isnan(delta)):
            return "—"
        unit = f"{NBSP}pt" if self.lang == "fr" else f"{NBSP}pt"
        return self.signed(100 * delta) + unit

    def hours(self, minutes: int) -> str:
        return self("hours", h=minutes // 60, m=minutes % 60)

    def seconds(self, seconds: float) -> str:
        return self("sec", n=self.decimal(seconds, 1))

    def date(self, day: Date) -> str:
        month, weekday = MONTHS[self.lang][day.month - 1], WEEKDAYS[self.lang][day.weekday()]
        if self.lang == "fr":
            return f"{weekday} {'1er' if day.day == 1 else day.day} {month} {day.year}"
        return f"{weekday} {day.day} {month} {day.year}"


# --------------------------------------------------------------------------- reading


PLAN_FILES = ("summary.json", "plan.csv", "unserved.csv", "officers.csv", "stations.csv", "scenario.yaml")
_COLUMNS = {
    "plan.csv": ("request_id", "station", "place", "officer", "start", "end", "category"),
    "unserved.csv": ("request_id", "reason", "detail"),
    "officers.csv": ("officer", "station", "shift_minutes", "supervised_minutes", "cap", "handovers",
                     "share_of_shift", "first_start", "last_end", "shift_start", "shift_end"),
    "stations.csv": ("station", "handovers", "room_utilisation", "bay_utilisation", "peak_visitors"),
}


class NotAPlanFolder(Exception):
    """The folder is missing, or lacks (or has unreadable) plan files."""


@dataclass
class PlanFolder:
    """The files of a plan folder, read back with ids as text and times as minutes."""

    path: Path
    summary: dict[str, Any]
    scenario: Scenario
    plan: pd.DataFrame  # + start_min, end_min
    unserved: pd.DataFrame
    officers: pd.DataFrame  # numbers as numbers; + shift_start_min, shift_end_min
    stations: pd.DataFrame  # utilisation as float, NaN where the station has no such place

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario") or self.scenario.name)

    def kind_of(self, place: str) -> str:
        return self.scenario.place_index.get(place, ("", "room"))[1]


def _minutes(text: str) -> int | None:
    return parse_time(text, allow_midnight_end=True) if text else None


def _read_csv(folder: Path, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise NotAPlanFolder(f"{folder / name} cannot be read: {exc}") from None
    missing = [c for c in _COLUMNS[name] if c not in frame.columns]
    if missing:
        raise NotAPlanFolder(f"{folder / name} lacks the column(s) {', '.join(missing)}")
    return frame


def _numbers(frame: pd.DataFrame, name: str, ints: tuple[str, ...], floats: tuple[str, ...], times: tuple[str, ...]):
    try:
        for column in ints:
            frame[column] = frame[column].astype(int)
        for column in floats:
            frame[column] = pd.to_numeric(frame[column].replace("", float("nan")), errors="raise").astype(float)
        for column in times:
            frame[f"{column}_min"] = [_minutes(v) for v in frame[column]]
    except ValueError as exc:
        raise NotAPlanFolder(f"{name} has a value that is not a number or a time: {exc}") from None


def read_plan_folder(folder: Path | str) -> PlanFolder:
    """Read a plan folder; raise NotAPlanFolder with a sentence if it is not one."""
    folder = Path(folder)
    if not folder.exists():
        raise NotAPlanFolder(f"{folder} does not exist")
    if not folder.is_dir():
        raise NotAPlanFolder(f"{folder} is not a folder")
    missing = [name for name in PLAN_FILES if not (folder / name).is_file()]
    if missing:
        raise NotAPlanFolder(f"{folder} is not a plan folder: {', '.join(missing)} missing")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NotAPlanFolder(f"{folder / 'summary.json'} is not valid JSON: {exc}") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("counts"), dict):
        raise NotAPlanFolder(f"{folder / 'summary.json'} has no 'counts'")
    try:
        scenario = load_dumped_scenario(folder / "scenario.yaml")
    except (OSError, ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        raise NotAPlanFolder(f"{folder / 'scenario.yaml'} is not a valid scenario: {str(exc).splitlines()[0]}") from None
    plan = _read_csv(folder, "plan.csv")
    unserved = _read_csv(folder, "unserved.csv")
    officers = _read_csv(folder, "officers.csv")
    stations = _read_csv(folder, "stations.csv")
    _numbers(plan, "plan.csv", (), (), ("start", "end"))
    _numbers(officers, "officers.csv", ("shift_minutes", "supervised_minutes", "cap", "handovers"),
             ("share_of_shift",), ("first_start", "last_end", "shift_start", "shift_end"))
    _numbers(stations, "stations.csv", ("handovers", "peak_visitors"), ("room_utilisation", "bay_utilisation"), ())
    return PlanFolder(folder, summary, scenario, plan, unserved, officers, stations)


# --------------------------------------------------------------------------- charts

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
    "svg.fonttype": "path",  # glyphs drawn as paths: the SVG looks the same without any font installed
}


def svg(fig: Figure, name: str) -> Markup:
    """The figure as an inline <svg> element, with ids made unique to this chart."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'url\(#([^)]+)\)', rf'url(#{prefix}-\1)', text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', text)
    text = text.replace("<svg ", f'<svg class="chart" data-chart="{prefix}" role="img" ', 1)
    return Markup(text)


def new_figure(height: float) -> Figure:
    with matplotlib.rc_context(CHART_STYLE):
        return Figure(figsize=(WIDTH, height))


def _time_axis(ax, first: int, last: int) -> None:
    ax.set_xlim(first, last)
    step = 60 if last - first > 240 else 30
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_minor_locator(MultipleLocator(step // 2 if step == 60 else 15))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_time(int(x)) if 0 <= x <= 1440 else ""))
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


def station_timeline(folder: PlanFolder, station_id: str, words: Words) -> Markup:
    """One row per room and per bay of the station, one bar per handover labelled with its category."""
    scenario = folder.scenario
    station = scenario.station_by_id[station_id]
    rows = [(p.id, "room") for p in station.rooms] + [(p.id, "bay") for p in station.bays]
    handovers = folder.plan[folder.plan["station"] == station_id]
    known = {place for place, _ in rows}
    rows += [(place, folder.kind_of(place)) for place in sorted(set(handovers["place"]) - known)]
    first = min([h[0] for h in station.hours] + list(handovers["start_min"]))
    last = max([h[1] for h in station.hours] + list(handovers["end_min"]))
    first, last = _floor_hour(first), _ceil_hour(last)
    row_height = 0.62
    fig = new_figure(0.75 + row_height * max(1, len(rows)))
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.13, 0.55 / fig.get_figheight(), 0.85, 1 - 0.75 / fig.get_figheight()])
        _time_axis(ax, first, last)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks(range(len(rows)), [f"{place}\n({words(kind)})" for place, kind in rows], fontsize=8)
        ax.tick_params(axis="y", length=0)
        open_spans = sorted(station.hours)
        closed, cursor = [], first
        for start, end in open_spans:
            if start > cursor:
                closed.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < last:
            closed.append((cursor, last))
        for start, end in closed:
            ax.axvspan(start, end, color=CLOSED_GREY, zorder=0, linewidth=0)
            if end - start >= 45:
                ax.text((start + end) / 2, -0.5, words("closed"), ha="center", va="bottom", fontsize=7.5,
                        color="#888888", clip_on=False)
        for y in range(len(rows) - 1):
            ax.axhline(y + 0.5, color="#dddddd", linewidth=0.6)
        colours = category_colours(scenario)
        turnover = scenario.policy.turnover_minutes
        pt_per_minute = fig.get_figwidth() * 0.85 * 72 / (last - first)
        row_of = {place: y for y, (place, _) in enumerate(rows)}
        for h in handovers.itertuples():
            y = row_of[h.place]
            colour = colours.get(h.category, "#888888")
            width = h.end_min - h.start_min
            ax.barh(y, width, left=h.start_min, height=0.78, color=colour, edgecolor="white", linewidth=0.5)
            if turnover:
                ax.barh(y, turnover, left=h.end_min, height=0.78, color=colour, alpha=0.28, linewidth=0)
            label = str(h.category)
            if len(label) * 4.6 + 3 <= width * pt_per_minute:
                ax.text(h.start_min + width / 2, y, label, ha="center", va="center", fontsize=7.5, color=_ink(colour))
            else:
                size = 7.2 if len(label) <= 8 else 6.5
                ax.text(h.start_min + width / 2, y, label, ha="center", va="center", fontsize=size,
                        rotation=90, color=_ink(colour))
    return svg(fig, f"station-{station_id}")


def officer_timeline(folder: PlanFolder, words: Words) -> Markup:
    """One row per officer: the shift as a light bar, each supervised handover as a dark bar on it."""
    officers = folder.officers
    n = max(1, len(officers))
    fig = new_figure(0.7 + 0.36 * n)
    first = _floor_hour(int(officers["shift_start_min"].min())) if len(officers) else 480
    last = _ceil_hour(int(officers["shift_end_min"].max())) if len(officers) else 1080
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.5 / fig.get_figheight(), 0.71, 1 - 0.62 / fig.get_figheight()])
        _time_axis(ax, first, last)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(officers)), [f"{o.officer} · {o.station}" for o in officers.itertuples()])
        ax.tick_params(axis="y", length=0)
        for y, o in enumerate(officers.itertuples()):
            ax.barh(y, o.shift_end_min - o.shift_start_min, left=o.shift_start_min, height=0.7, color=SHIFT_GREY)
            mine = folder.plan[folder.plan["officer"] == o.officer]
            for h in mine.itertuples():
                ax.barh(y, h.end_min - h.start_min, left=h.start_min, height=0.5, color=SUPERVISION,
                        edgecolor="white", linewidth=0.4)
            ax.text(1.01, y, f"{words('min', n=words.int(o.supervised_minutes))} · {words.pct(o.share_of_shift)}",
                    transform=ax.get_yaxis_transform(), va="center", fontsize=8.5)
    return svg(fig, "officers-timeline")


def officer_caps(folder: PlanFolder, words: Words) -> Markup:
    """Supervised minutes per officer as bars, each officer's cap as a black mark."""
    officers = folder.officers
    n = max(1, len(officers))
    fig = new_figure(0.75 + 0.3 * n)
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.55 / fig.get_figheight(), 0.71, 1 - 0.65 / fig.get_figheight()])
        top = max([1] + list(officers["cap"]) + list(officers["supervised_minutes"]))
        ax.set_xlim(0, top * 1.04)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(officers)), [f"{o.officer} · {o.station}" for o in officers.itertuples()])
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(words("axis_minutes"))
        for y, o in enumerate(officers.itertuples()):
            colour = AT_CAP if o.supervised_minutes >= o.cap else BELOW_CAP
            ax.barh(y, o.supervised_minutes, height=0.62, color=colour)
            ax.plot([o.cap, o.cap], [y - 0.42, y + 0.42], color="#111111", linewidth=2.2, solid_capstyle="butt")
            ax.text(1.01, y, f"{words.int(o.supervised_minutes)} / {words('min', n=words.int(o.cap))}",
                    transform=ax.get_yaxis_transform(), va="center", fontsize=8.5)
    return svg(fig, "officers-caps")


def utilisation_chart(folder: PlanFolder, words: Words) -> Markup:
    """Room and bay utilisation per station, side by side."""
    stations = folder.stations
    n = max(1, len(stations))
    fig = new_figure(1.0 + 0.55 * n)
    with matplotlib.rc_context(CHART_STYLE):
        ax = fig.add_axes([0.17, 0.6 / fig.get_figheight(), 0.71, 1 - 0.95 / fig.get_figheight()])
        ax.set_xlim(0, 100)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(range(len(stations)), list(stations["station"]))
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: words.pct(x / 100)))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for y, s in enumerate(stations.itertuples()):
            for offset, value, colour, kind in ((-0.19, s.room_utilisation, ROOM_COLOUR, "rooms"),
                                                (0.19, s.bay_utilisation, BAY_COLOUR, "bays")):
                shown = 0 if math.isnan(value) else 100 * value
                ax.barh(y + offset, shown, height=0.36, color=colour, label=words(kind) if y == 0 else None)
                text = words.pct(value) if not math.isnan(value) else words("no_place")
                ax.text(shown + 1, y + offset, text, va="center", fontsize=8)
        ax.legend(loc="lower left", frameon=False, ncols=2, bbox_to_anchor=(0.0, 1.0), fontsize=9)
    return svg(fig, "utilisation")


# --------------------------------------------------------------------------- context


def summary_levels(summary: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(summary.get("levels"), list):
        return summary["levels"]
    objective, bound, gap = summary.get("objective", {}), summary.get("bound", {}), summary.get("gap", {})
    return [
        {"name": name, "value": value, "bound": bound.get(name, value), "gap": gap.get(name, 0.0),
         "status": "optimal" if gap.get(name, 0.0) == 0 else "feasible", "seconds": None}
        for name, value in objective.items()
    ]


def level_status(level: dict[str, Any], words: Words) -> str:
    status = level.get("status", "")
    if status == "optimal":
        return words("status.optimal")
    if status == "feasible":
        return words("status.feasible", gap=words.pct(float(level.get("gap") or 0.0), 1))
    if status == "unknown":
        return words("status.unknown")
    return str(status)


# The screening's sentences (optimizer/screening.py) in French; a sentence that
# matches none of them is shown as written.
_FRENCH_DETAILS = [
    (r"no (\d+)-minute slot in the windows \((.*)\) within the hours of (\S+) \((.*)\)",
     r"\3 (ouvert \4) : pas de créneau de \1 min dans les créneaux demandés"),
    (r"(\S+) has no room", r"\1 n'a pas de salle"),
    (r"(\S+) has no bay", r"\1 n'a pas d'emplacement"),
    (r"party of (\d+) exceeds max_visitors (\d+) at (\S+)",
     r"groupe de \1 personnes, au-delà du maximum de \2 visiteurs à \3"),
    (r"no officer with skill '(.*)' at (\S+)", r"aucun agent avec la compétence « \1 » à \2"),
    (r"no officer at (\S+)", r"aucun agent à \1"),
    (r"a (\d+)-minute handover exceeds the supervision cap of every officer with skill '(.*)' at (\S+)",
     r"une remise de \1 min dépasse le plafond de supervision de chaque agent avec la compétence « \2 » à \3"),
    (r"a (\d+)-minute handover exceeds the supervision cap of every officer at (\S+)",
     r"une remise de \1 min dépasse le plafond de supervision de chaque agent à \2"),
    (r"no officer with skill '(.*)' on shift at (\S+) for (\d+) minutes between (.*)",
     r"aucun agent avec la compétence « \1 » en service à \2 pendant \3 min entre \4"),
    (r"no officer on shift at (\S+) for (\d+) minutes between (.*)",
     r"aucun agent en service à \1 pendant \2 min entre \3"),
    (r"every station it listed was removed", "tous les commissariats qu'elle acceptait ont été retirés"),
]


def unserved_detail(row: Any, words: Words) -> str:
    """The detail of an unserved request, one line per station; in French when it is a known sentence."""
    detail = str(row.detail)
    if words.lang != "fr":
        return detail.replace("; ", "\n")
    if row.reason == "capacity" and detail == STRINGS["en"]["detail.capacity"]:
        return words("detail.capacity")
    if row.reason != "no_feasible_slot":
        return detail
    parts = []
    for part in detail.split("; "):
        for pattern, french in _FRENCH_DETAILS:
            if re.fullmatch(pattern, part):
                part = re.sub(pattern, french, part)
                break
        parts.append(part)
    return "\n".join(parts)


def _max_share(officers: pd.DataFrame) -> tuple[float, list[str]]:
    if officers.empty:
        return 0.0, []
    top = float(officers["share_of_shift"].max())
    return top, list(officers.loc[officers["share_of_shift"] == top, "officer"])


def report_context(folder: PlanFolder, lang: str = "fr") -> dict[str, Any]:
    """Everything the template shows, formatted, with the raw value beside each key number."""
    words = Words(lang)
    scenario, summary = folder.scenario, folder.summary
    counts = summary["counts"]
    requests, served = int(counts["requests"]), int(counts["served"])
    supervised = int(counts["supervised_minutes"])
    top_share, top_officers = _max_share(folder.officers)
    day = Date.fromisoformat(str(summary.get("date") or scenario.date.isoformat()))
    stations = []
    for s in folder.stations.itertuples():
        station = scenario.station_by_id.get(s.station)
        title = f"{station.name} ({s.station})" if station is not None and station.name else s.station
        stations.append({
            "id": s.station, "title": title, "row": s,
            "timeline": station_timeline(folder, s.station, words) if station is not None else None,
            "stats": words("station_stats", handovers=words.int(s.handovers), rooms=words.pct(s.room_utilisation),
                           bays=words.pct(s.bay_utilisation), peak=words.int(s.peak_visitors)),
        })
    unserved = []
    for u in folder.unserved.sort_values(["reason", "request_id"]).itertuples():
        request = scenario.request_by_id.get(u.request_id)
        unserved.append({
            "id": u.request_id, "reason_code": u.reason, "reason": words.reason(u.reason),
            "detail": unserved_detail(u, words),
            "category": request.category if request else "",
            "stations": ", ".join(request.stations) if request else "",
            "windows": ", ".join(f"{format_time(a)}-{format_time(b)}" for a, b in request.windows) if request else "",
        })
    levels = [
        {**level, "label": words.level(level["name"]), "status_text": level_status(level, words),
         "seconds_text": words.seconds(level["seconds"]) if level.get("seconds") is not None else "—"}
        for level in summary_levels(summary)
    ]
    return {
        "lang": lang,
        "w": words,
        "scenario": folder.name,
        "date": words.date(day),
        "counts": counts,
        "requests": requests,
        "served": served,
        "served_share": served / requests if requests else 0.0,
        "unserved_by_reason": counts.get("unserved_by_reason", {}),
        "supervised": supervised,
        "top_share": top_share,
        "top_officers": top_officers,
        "officers": list(folder.officers.itertuples()),
        "stations": stations,
        "unserved": unserved,
        "levels": levels,
        "plan": list(folder.plan.itertuples()),
        "turnover": scenario.policy.turnover_minutes,
        "charts": {
            "officer_timeline": officer_timeline(folder, words),
            "officer_caps": officer_caps(folder, words),
            "utilisation": utilisation_chart(folder, words),
        },
        "run": {
            "solver": summary.get("solver", "cp-sat"), "version": summary.get("solver_version", "?"),
            "seed": summary.get("seed", "?"), "workers": summary.get("workers", "?"),
            "seconds": words.seconds(float(summary.get("solve_seconds") or 0.0)),
            "hash": summary.get("input_hash", "?"),
        },
    }


# --------------------------------------------------------------------------- rendering


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("optimizer.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_report(folder: PlanFolder, lang: str = "fr") -> str:
    return environment().get_template("report.html.j2").render(**report_context(folder, lang))


def write_report(folder: Path, lang: str = "fr") -> None:
    """Render report.html into a plan folder from the files already in it."""
    folder = Path(folder)
    html = render_report(read_plan_folder(folder), lang)
    tmp = folder / ".report.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(folder / "report.html")
