"""The question chart, written as SVG by hand: no plotting library, no per-chart cost
beyond building a string, and text that stays readable at any width.

The chart is an outer ``<svg>`` without a view box (one unit is one CSS pixel, so its
labels keep their size on a phone and on a wide screen) holding an inner ``<svg>`` with
a view box of 1000 x 100 that stretches to the plot area (``preserveAspectRatio="none"``):
the lines are drawn in data units there, with ``vector-effect="non-scaling-stroke"`` so
they keep their width, and each forecast is a zero-length round-capped stroke, which
stays a dot however the area is stretched. Labels sit in the outer ``<svg>`` at
percentages of its size.

What it shows: the **median of the standing forecasts** (each pundit's latest forecast
at that moment) as the main line; each pundit's own forecasts as thin step lines (a
forecast stands until revised), coloured when there are few pundits and faded grey
when there are many, highlighted on hover or keyboard focus (each pundit's line is a
focusable group titled with their name); the x axis runs from the first forecast to
the deadline or the day the outcome became known, whichever is later, both drawn.
``summary`` is the chart's text alternative and ``median_rows`` its data.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from forecasts.moments import shown as shown_when

INK = "#1d2330"
MUTED = "#5b6475"
FADED = "#9aa3b2"
MEDIAN = "#1f5fbf"
REFERENCE = "#0f7c8c"  # a market's or crowd's series
PALETTE = ["#b3261e", "#1d7a46", "#8a6d00", "#6b3fa0", "#0f7c8c", "#a34d00"]
# Up to this many pundits each get a colour of their own; more are drawn faded.
COLOURED_PUNDITS = len(PALETTE)

# The plot area inside the outer svg, in percent of its width and height.
_LEFT, _WIDTH, _TOP, _HEIGHT = 9.0, 86.0, 14.0, 66.0
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _text(value: object) -> str:
    """Text for an SVG text node: characters XML cannot hold replaced, then escaped."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", str(value)))


def _days(moment: dt.datetime | dt.date) -> float:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), dt.UTC)
    return (moment - _EPOCH).total_seconds() / 86_400.0


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


@dataclass
class ForecastChart:
    """The chart (``svg``), its text alternative (``summary``), its key (one entry per
    pundit: name, colour, latest probability) and its data (``median_rows``: each moment
    the median changed, the standing forecasts then and their median)."""

    svg: str
    summary: str
    key: list[tuple[str, str, float]] = field(default_factory=list)
    median_rows: list[tuple[dt.datetime, int, float]] = field(default_factory=list)


def _median_steps(frame: pd.DataFrame) -> list[tuple[dt.datetime, int, float]]:
    """(moment, standing forecasts, their median) at each moment a forecast was made."""
    standing: dict[object, float] = {}
    rows: list[tuple[dt.datetime, int, float]] = []
    for moment, group in frame.groupby("made_at", sort=True):
        for who, probability in zip(group["pundit"], group["probability"], strict=True):
            standing[who] = float(probability)
        rows.append((moment.to_pydatetime(), len(standing), statistics.median(standing.values())))
    return rows


def _ticks(start: float, end: float, count: int = 5) -> list[tuple[float, str]]:
    """(fraction along the axis, date label) for about ``count`` evenly spaced dates."""
    span = end - start
    labels = []
    for i in range(count):
        fraction = i / (count - 1)
        try:
            day = _EPOCH + dt.timedelta(days=start + span * fraction)
        except OverflowError:  # past the calendar's last day (9999-12-31)
            day = dt.datetime.max.replace(tzinfo=dt.UTC)
        if span > 3 * 365:
            label = f"{day.year:04d}"
        elif span > 120:
            label = f"{day.year:04d}-{day.month:02d}"
        else:
            label = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
        if not labels or labels[-1][1] != label:
            labels.append((fraction, label))
    return labels


def forecast_chart(
    frame: pd.DataFrame,
    *,
    resolve_by: dt.date | None = None,
    known_at: dt.date | None = None,
    references: dict[str, list[tuple[dt.datetime, float]]] | None = None,
    height: int = 240,
) -> ForecastChart:
    """The chart of a binary question's forecasts.

    ``frame`` has one row per forecast: ``pundit_name``, ``made_at`` (time-zone aware)
    and ``probability``; ``pundit_slug`` when there is one (it tells two pundits of one
    name apart). ``resolve_by`` (the deadline) and ``known_at`` (when the outcome became
    known) are drawn when given and stretch the axis to reach them. ``references`` maps
    a reference source (a market, a platform's community) to its points (time,
    probability), drawn as dashed step lines over the forecasts' span."""
    frame = frame.sort_values("made_at", kind="stable").copy()
    frame["made_at"] = pd.to_datetime(frame["made_at"], utc=True)
    who = frame["pundit_slug"] if "pundit_slug" in frame else frame["pundit_name"]
    frame["pundit"] = who.astype(str)
    names = frame.groupby("pundit", sort=False)["pundit_name"].first()
    moments = [m.to_pydatetime() for m in frame["made_at"]]
    start = _days(min(moments))
    end = max([_days(max(moments))] + [_days(d) for d in (resolve_by, known_at) if d is not None])
    if end - start < 1:
        start, end = start - 0.5, end + 0.5
    span = end - start

    def x(moment) -> float:
        return (_days(moment) - start) / span * 1000.0

    def y(probability: float) -> float:
        return 100.0 - float(probability) * 100.0

    line_end = _days(known_at) if known_at is not None else end
    stop = (min(line_end, end) - start) / span * 1000.0
    coloured = len(names) <= COLOURED_PUNDITS
    groups, key = [], []
    for index, (pundit, rows) in enumerate(frame.groupby("pundit", sort=False)):
        colour = PALETTE[index % len(PALETTE)] if coloured else FADED
        points = [
            (x(m.to_pydatetime()), y(p))
            for m, p in zip(rows["made_at"], rows["probability"], strict=True)
        ]
        path = f"M{points[0][0]:.2f} {points[0][1]:.2f}"
        for nx, ny in points[1:]:
            path += f" H{nx:.2f} V{ny:.2f}"
        path += f" H{max(stop, points[-1][0]):.2f}"
        dots = " ".join(f"M{px:.2f} {py:.2f}h0" for px, py in points)
        name = str(names[pundit])
        latest = float(rows["probability"].iloc[-1])
        groups.append(
            f'<g class="pundit" tabindex="0" data-pundit={_attr(pundit)}>'
            f"<title>{_text(name)}: {len(points)} forecast{'s' if len(points) != 1 else ''},"
            f" latest {_percent(latest)}</title>"
            f'<path d="{path}" fill="none" stroke="{colour}"'
            f' stroke-width="{1.8 if coloured else 1.2}" stroke-opacity="{1 if coloured else 0.6}"'
            ' vector-effect="non-scaling-stroke"/>'
            f'<path class="dots" d="{dots}" stroke="{colour}" stroke-width="7"'
            ' stroke-linecap="round" vector-effect="non-scaling-stroke"/></g>'
        )
        key.append((name, colour, latest))

    medians = _median_steps(frame)
    median_path = ""
    if len(names) > 1:
        first = medians[0]
        median_path = f"M{x(first[0]):.2f} {y(first[2]):.2f}"
        for moment, _, value in medians[1:]:
            median_path += f" H{x(moment):.2f} V{y(value):.2f}"
        median_path += f" H{max(stop, x(medians[-1][0])):.2f}"

    inner = [
        f'<line x1="0" x2="1000" y1="{y(p):.1f}" y2="{y(p):.1f}" stroke="#e3e6ec"'
        ' vector-effect="non-scaling-stroke"/>'
        for p in (0, 0.25, 0.5, 0.75, 1)
    ]
    outer_labels = [
        f'<text x="{_LEFT - 1:.1f}%" y="{_TOP + _HEIGHT * (1 - p):.1f}%" text-anchor="end"'
        f' dominant-baseline="middle" class="tick">{_percent(p)}</text>'
        for p in (0, 0.25, 0.5, 0.75, 1)
    ]
    for fraction, label in _ticks(start, end):
        anchor = "start" if fraction == 0 else ("end" if fraction == 1 else "middle")
        minor = " minor" if 0 < fraction < 1 and abs(fraction - 0.5) > 0.01 else ""
        outer_labels.append(
            f'<text x="{_LEFT + _WIDTH * fraction:.1f}%" y="{_TOP + _HEIGHT + 9:.1f}%"'
            f' text-anchor="{anchor}" class="tick{minor}">{_text(label)}</text>'
        )
    markers = [(resolve_by, "deadline", "6 4"), (known_at, "outcome known", "2 3")]
    markers = [(day, label, dash) for day, label, dash in markers if day is not None]
    if len(markers) == 2 and markers[0][0] == markers[1][0]:
        markers = [(resolve_by, "deadline and outcome known", "6 4")]
    for row, (day, label, dash) in enumerate(markers):
        position = x(day)
        inner.append(
            f'<line x1="{position:.2f}" x2="{position:.2f}" y1="0" y2="100" stroke="{MUTED}"'
            f' stroke-dasharray="{dash}" vector-effect="non-scaling-stroke"/>'
        )
        percent = _LEFT + _WIDTH * position / 1000.0
        anchor = "end" if position > 600 else "start"
        shift = -0.6 if anchor == "end" else 0.6
        outer_labels.append(
            f'<text x="{percent + shift:.1f}%" y="{4.5 + 5.5 * row:.1f}%" text-anchor="{anchor}"'
            f' dominant-baseline="middle" class="marker">{label} {shown_when(day)}</text>'
        )
    for source, series in (references or {}).items():
        series = sorted(series)
        before = [p for at, p in series if _days(at) < start]
        inside = [(x(at), p) for at, p in series if start <= _days(at) <= end]
        if before:  # the value standing when the chart begins
            inside.insert(0, (0.0, before[-1]))
        if not inside:
            continue
        path = f"M{inside[0][0]:.2f} {y(inside[0][1]):.2f}"
        for position, p in inside[1:]:
            path += f" H{position:.2f} V{y(p):.2f}"
        path += f" H{stop:.2f}"
        groups.append(
            f'<g class="reference" tabindex="0"><title>{_text(source)} (reference):'
            f" {len(series)} point{'s' if len(series) != 1 else ''}, latest"
            f" {_percent(series[-1][1])}</title>"
            f'<path d="{path}" fill="none" stroke="{REFERENCE}" stroke-width="2"'
            ' stroke-dasharray="5 3" vector-effect="non-scaling-stroke"/></g>'
        )
    if median_path:
        groups.append(
            f'<path class="median" d="{median_path}" fill="none" stroke="{MEDIAN}"'
            ' stroke-width="3.2" vector-effect="non-scaling-stroke"/>'
        )

    first_day = min(moments).date().isoformat()
    summary = (
        f"{len(frame)} forecast{'s' if len(frame) != 1 else ''} by {len(names)} "
        f"pundit{'s' if len(names) != 1 else ''}, from {first_day}"
    )
    if len(names) > 1:
        summary += (
            f"; the median of the standing forecasts went from {_percent(medians[0][2])}"
            f" to {_percent(medians[-1][2])}"
        )
    else:
        summary += f"; the latest is {_percent(key[0][2])}"
    if resolve_by is not None:
        summary += f"; deadline {resolve_by.isoformat()}"
    if known_at is not None:
        summary += f"; outcome known {shown_when(known_at)}"
    summary += "."
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="forecast-chart" width="100%"'
        f' height="{height}" role="img" aria-label={_attr(summary)}>'
        f"<title>{_text(summary)}</title>"
        f'<svg x="{_LEFT}%" y="{_TOP}%" width="{_WIDTH}%" height="{_HEIGHT}%"'
        ' viewBox="0 0 1000 100" preserveAspectRatio="none" overflow="visible">'
        + "".join(inner)
        + "".join(groups)
        + "</svg>"
        + "".join(outer_labels)
        + "</svg>"
    )
    return ForecastChart(svg=svg, summary=summary, key=key, median_rows=medians)


def reliability_svg(diagram: dict, height: int = 260) -> str:
    """A CORP reliability diagram (``scoring.corp_reliability``): the isotonic fit of
    what happened on what was said as a step line, the consistency band of a calibrated
    forecaster as a shaded area, and the diagonal; labels in CSS pixels."""
    forecast = [float(v) for v in diagram["forecast"]]
    fit = [float(v) for v in diagram["calibrated"]]
    low = [float(v) for v in diagram["band_low"]]
    high = [float(v) for v in diagram["band_high"]]

    def point(px: float, py: float) -> str:
        return f"{px * 1000:.1f} {100 - py * 100:.2f}"

    band = " ".join(point(px, py) for px, py in zip(forecast, high, strict=True))
    band += " " + " ".join(
        point(px, py) for px, py in zip(reversed(forecast), reversed(low), strict=True)
    )
    # The fit at the distinct forecasts, joined by straight lines (as CORP draws it).
    steps = "M" + " L".join(point(px, py) for px, py in zip(forecast, fit, strict=True))
    summary = "Reliability (CORP): " + "; ".join(
        f"said {px:.0%}, fit {py:.0%}" for px, py in zip(forecast, fit, strict=True)
    )
    labels = "".join(
        f'<text x="{_LEFT - 1:.1f}%" y="{_TOP + _HEIGHT * (1 - v):.1f}%" text-anchor="end"'
        f' dominant-baseline="middle" class="tick">{_percent(v)}</text>'
        f'<text x="{_LEFT + _WIDTH * v:.1f}%" y="{_TOP + _HEIGHT + 9:.1f}%"'
        f' text-anchor="middle" class="tick">{_percent(v)}</text>'
        for v in (0, 0.5, 1)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="forecast-chart reliability"'
        f' width="100%" height="{height}" role="img" aria-label={_attr(summary)}>'
        f"<title>{_text(summary)}</title>"
        f'<svg x="{_LEFT}%" y="{_TOP}%" width="{_WIDTH}%" height="{_HEIGHT}%"'
        ' viewBox="0 0 1000 100" preserveAspectRatio="none" overflow="visible">'
        f'<polygon points="{band}" fill="#9db8e6" fill-opacity="0.45" stroke="none"/>'
        f'<line x1="0" y1="100" x2="1000" y2="0" stroke="{MUTED}" stroke-dasharray="6 4"'
        ' vector-effect="non-scaling-stroke"/>'
        f'<path d="{steps}" fill="none" stroke="{MEDIAN}" stroke-width="2.5"'
        ' vector-effect="non-scaling-stroke"/>'
        "</svg>" + labels + "</svg>"
    )
