"""Charts draw the registry's text literally: names that look like mathtext, names that
begin with ``_`` and forecasts at the ends of the calendar render, and the SVG holds
exactly the text typed; the question chart's median, axis and text alternative."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from forecasts import charts, svgcharts

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
SVG_TITLE = "{http://www.w3.org/2000/svg}title"
HOSTILE_NAMES = [
    "Cash $\\foo{x}$ Man",  # unknown mathtext command: matplotlib raised
    "$\\frac{x}{y}$",
    "Smith $5 vs $6",  # two dollars: drawn in italics as maths
    "a \\$ already escaped $",
    "_anon",  # legend() drops labels that begin with an underscore
    "__double",
    '<b>&amp; "quoted"</b>',
    "100% ^caret_ {braces} ~tilde",
]


def _texts(svg: str) -> list[str]:
    """Every text element's content, as a reader of the SVG sees it."""
    return ["".join(element.itertext()) for element in ET.fromstring(svg).iter(SVG_TEXT)]


def _frame(names: list[str], moments: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pundit_name": names,
            "made_at": pd.to_datetime(moments, utc=True, format="ISO8601").as_unit("us"),
            "probability": [0.2 + 0.6 * i / max(len(names), 1) for i in range(len(names))],
        }
    )


def _titles(svg: str) -> list[str]:
    return ["".join(e.itertext()) for e in ET.fromstring(svg).iter(SVG_TITLE)]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_is_drawn_exactly_as_typed(name):
    chart = svgcharts.forecast_chart(_frame([name], ["2024-03-01"]))
    assert f"{name}: 1 forecast, latest 20%" in _titles(chart.svg)
    assert chart.key[0][0] == name


def test_every_pundit_has_its_titled_line_whatever_the_name():
    chart = svgcharts.forecast_chart(
        _frame(HOSTILE_NAMES, ["2024-03-01"] * len(HOSTILE_NAMES)), known_at=dt.date(2024, 6, 1)
    )
    titles = _titles(chart.svg)
    for name in HOSTILE_NAMES:
        assert sum(title.startswith(f"{name}: ") for title in titles) == 1, name
    assert any(text.startswith("outcome known 2024-06-01") for text in _texts(chart.svg))


def test_text_xml_cannot_hold_is_replaced_not_written():
    chart = svgcharts.forecast_chart(_frame(["nul\x00here", "lone \ud800"], ["2024-03-01"] * 2))
    titles = _titles(chart.svg)
    assert any(t.startswith("nul\ufffdhere: ") for t in titles)
    assert any(t.startswith("lone \ufffd: ") for t in titles)


@pytest.mark.parametrize(
    ("moments", "known_at"),
    [
        (["0001-01-01"], None),
        (["9999-12-31"], None),
        (["0001-01-01", "9999-12-31"], dt.date(9999, 12, 31)),
        (["0001-01-02", "0001-01-03"], dt.date(1, 1, 1)),
        (["2024-01-01"], dt.date(9999, 12, 30)),
    ],
)
def test_forecasts_at_the_ends_of_the_calendar_render(moments, known_at):
    names = [f"pundit {i}" for i in range(len(moments))]
    chart = svgcharts.forecast_chart(_frame(names, moments), known_at=known_at)
    titles = _titles(chart.svg)
    assert all(any(t.startswith(f"{name}: ") for t in titles) for name in names)
    date_ticks = [t for t in _texts(chart.svg) if t[:1].isdigit() and not t.endswith("%")]
    assert len(date_ticks) >= 1


def test_the_median_of_the_standing_forecasts_steps_as_forecasts_arrive():
    frame = pd.DataFrame(
        {
            "pundit_name": ["Ann", "Bo", "Cy", "Ann"],
            "made_at": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"], utc=True
            ),
            "probability": [0.2, 0.6, 0.9, 0.8],
        }
    )
    chart = svgcharts.forecast_chart(
        frame, resolve_by=dt.date(2024, 2, 1), known_at=dt.date(2024, 1, 20)
    )
    # Ann 20%; Ann 20, Bo 60 -> 40%; + Cy 90 -> 60%; Ann revises to 80 -> 80%
    assert [(count, round(median, 3)) for _, count, median in chart.median_rows] == [
        (1, 0.2),
        (2, 0.4),
        (3, 0.6),
        (3, 0.8),
    ]
    assert chart.summary == (
        "4 forecasts by 3 pundits, from 2024-01-01; the median of the standing forecasts"
        " went from 20% to 80%; deadline 2024-02-01; outcome known 2024-01-20."
    )
    texts = _texts(chart.svg)
    assert "deadline 2024-02-01" in texts and "outcome known 2024-01-20" in texts
    assert any(t.startswith("2024-02") for t in texts)  # the axis reaches the deadline
    root = ET.fromstring(chart.svg)
    assert root.get("aria-label") == chart.summary


def test_many_pundits_are_faded_and_few_get_colours():
    few = svgcharts.forecast_chart(_frame(["a", "b"], ["2024-01-01", "2024-01-02"]))
    many_names = [f"p{i}" for i in range(30)]
    many = svgcharts.forecast_chart(_frame(many_names, ["2024-01-01"] * 30))
    assert {colour for _, colour, _ in few.key} <= set(svgcharts.PALETTE)
    assert {colour for _, colour, _ in many.key} == {svgcharts.FADED}
    assert 'class="median"' in many.svg and 'tabindex="0"' in many.svg


def test_the_calibration_title_is_drawn_literally():
    table = pd.DataFrame(
        {
            "mean_forecast": [0.2, 0.8],
            "observed_frequency": [0.25, 0.75],
            "ci_low": [0.1, 0.5],
            "ci_high": [0.5, 0.9],
            "n": [4, 4],
        }
    )
    svg = charts.calibration_svg(table, title="_Cash $\\foo{x}$ Man")
    assert {"_Cash $\\foo{x}$ Man", "perfect calibration", "observed (95% interval)"} <= set(
        _texts(svg)
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_drawn_text_is_what_matplotlib_renders(name, tmp_path):
    """Through matplotlib's own Text object and a raster backend too, not only SVG: the
    renderer's preprocessing step gives back the name itself, with no maths to parse."""
    figure = plt.figure()
    text = figure.text(0.1, 0.5, charts.drawn(name))
    figure.savefig(tmp_path / "text.png")
    plt.close(figure)
    assert text._preprocess_math(text.get_text()) == (name, False)


def test_the_calibration_chart_has_a_text_alternative():
    table = pd.DataFrame(
        {
            "mean_forecast": [0.2, 0.8],
            "observed_frequency": [0.25, 0.75],
            "ci_low": [0.1, 0.5],
            "ci_high": [0.5, 0.9],
            "n": [4, 8],
        }
    )
    root = ET.fromstring(charts.calibration_svg(table))
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Calibration chart, by forecast bin: said 20%, happened 25% of 4;"
        " said 80%, happened 75% of 8."
    )
    empty = ET.fromstring(charts.calibration_svg(None))
    assert empty.get("aria-label") == "Calibration chart: no resolved forecasts yet."
