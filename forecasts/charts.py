"""Server-rendered SVG charts (matplotlib, no JavaScript): the calibration chart. (The
question chart is written by hand: ``forecasts.svgcharts``.)

Each function returns an SVG document as text, deterministic for the same input (fixed
hash salt, no timestamps), so a published site is the same file twice.

Names and statements come from anyone who can edit the registry, so every piece of such
text passes through :func:`drawn` on its way to matplotlib: drawn literally, never read as
mathtext, and legends are built from explicit handles so no label is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

INK = "#1d2330"
MUTED = "#5b6475"
ACCENT = "#1f5fbf"
PALETTE = ["#1f5fbf", "#b3261e", "#1d7a46", "#8a6d00", "#6b3fa0", "#0f7c8c", "#a34d00"]

plt.rcParams.update(
    {
        "svg.hashsalt": "forecast-registry",
        "svg.fonttype": "none",  # text stays text: smaller files, selectable labels
        "text.usetex": False,  # drawn() escapes for mathtext, not for a TeX run
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }
)


# Characters XML 1.0 cannot hold (C0 controls but tab and newline, lone surrogates,
# U+FFFE/U+FFFF): matplotlib writes text into the SVG as is, so one would break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# Matplotlib's date axis holds years 1 to 9999 only; padding past either end crashes it.
_FIRST_DAY = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_LAST_DAY = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
_MIN_PAD = dt.timedelta(days=1)


def drawn(text: object, limit: int | None = None) -> str:
    """``text`` as matplotlib must be given it to draw exactly that text.

    An even number of ``$`` makes matplotlib parse the text between them as mathtext
    (``Cash $\\foo{x}$ Man`` raises, ``Smith $5 vs $6`` comes out in italics); each ``$``
    is escaped as ``\\$``, which matplotlib draws as a plain ``$`` (a backslash already
    before a ``$`` stays, as the replacement is undone left to right). Characters XML
    cannot hold become U+FFFD. ``limit`` shortens the text first, so an escape is
    never cut in half.
    """
    text = str(text)[:limit]
    return _NOT_XML.sub("\ufffd", text).replace("$", r"\$")


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: inline-ready


def _legend(axes, handles: list, **options) -> None:
    """A legend of exactly ``handles``, labels passed explicitly: ``axes.legend()`` alone
    skips labels that begin with ``_`` (matplotlib's mark for an internal artist), which
    would hide a pundit called ``_anon`` from the key."""
    axes.legend(handles, [handle.get_label() for handle in handles], **options)


def calibration_svg(table: pd.DataFrame, title: str = "Calibration") -> str:
    """Observed frequency per forecast bin, with Wilson 95% intervals, against the diagonal;
    the number of forecasts is written over each point."""
    figure, axes = plt.subplots(figsize=(4.2, 4.2))
    handles = axes.plot(
        [0, 1], [0, 1], linestyle="--", color=MUTED, linewidth=1, label="perfect calibration"
    )
    if table is not None and len(table):
        x = table["mean_forecast"].to_numpy()
        y = table["observed_frequency"].to_numpy()
        low = y - table["ci_low"].to_numpy()
        high = table["ci_high"].to_numpy() - y
        handles.append(
            axes.errorbar(
                x,
                y,
                yerr=[low, high],
                fmt="o",
                color=ACCENT,
                ecolor=ACCENT,
                elinewidth=1.2,
                capsize=3,
                markersize=6,
                label="observed (95% interval)",
            )
        )
        for xi, yi, n in zip(x, y, table["n"].to_numpy(), strict=True):
            axes.annotate(
                f"n={n}", (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=8, color=INK
            )
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("Forecast probability (mean in bin)")
    axes.set_ylabel("Observed frequency")
    axes.set_title(drawn(title), color=INK)
    axes.set_aspect("equal")
    _legend(axes, handles, loc="upper left", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _with_text_alternative(_svg(figure), calibration_summary(table))


def calibration_summary(table: pd.DataFrame | None) -> str:
    """The calibration chart in words, for readers who cannot see it."""
    if table is None or not len(table):
        return "Calibration chart: no resolved forecasts yet."
    bins = [
        f"said {row.mean_forecast:.0%}, happened {row.observed_frequency:.0%} of {row.n}"
        for row in table.itertuples()
    ]
    return "Calibration chart, by forecast bin: " + "; ".join(bins) + "."


def _with_text_alternative(svg: str, summary: str) -> str:
    """The SVG as an image with ``summary`` as its accessible name."""
    label = _NOT_XML.sub("\ufffd", summary).replace("&", "&amp;").replace('"', "&quot;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label.replace("<", "&lt;")}" ', 1)
