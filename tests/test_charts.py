"""Charts draw the registry's text literally: names that look like mathtext, names that
begin with ``_`` and forecasts at the ends of the calendar render, and the SVG holds
exactly the text typed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from forecasts import charts

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
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


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_is_drawn_exactly_as_typed(name):
    svg = charts.forecasts_over_time_svg(_frame([name], ["2024-03-01"]))
    assert name in _texts(svg)


def test_every_pundit_has_a_legend_entry_whatever_the_name():
    svg = charts.forecasts_over_time_svg(
        _frame(HOSTILE_NAMES, ["2024-03-01"] * len(HOSTILE_NAMES)), known_at=dt.date(2024, 6, 1)
    )
    texts = _texts(svg)
    for name in [*HOSTILE_NAMES, "outcome known"]:
        assert texts.count(name) == 1, name


def test_text_xml_cannot_hold_is_replaced_not_written():
    svg = charts.forecasts_over_time_svg(_frame(["nul\x00here", "lone \ud800"], ["2024-03-01"] * 2))
    texts = _texts(svg)
    assert "nul\ufffdhere" in texts and "lone \ufffd" in texts


def test_a_long_name_is_cut_before_escaping():
    name = "x" * 47 + "$$$"
    svg = charts.forecasts_over_time_svg(_frame([name], ["2024-03-01"]))
    assert "x" * 47 + "$" in _texts(svg)


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
    svg = charts.forecasts_over_time_svg(_frame(names, moments), known_at=known_at)
    texts = _texts(svg)
    assert all(name in texts for name in names)
    date_ticks = [text for text in texts if text[:1].isdigit() and not text.endswith("%")]
    assert len(date_ticks) >= 2


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
