"""Server-rendered SVG charts (matplotlib, no JavaScript): calibration and forecasts over time.

Each function returns an SVG document as text, deterministic for the same input (fixed
hash salt, no timestamps), so a published site is the same file twice.
"""

from __future__ import annotations

import io

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
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }
)


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: inline-ready


def calibration_svg(table: pd.DataFrame, title: str = "Calibration") -> str:
    """Observed frequency per forecast bin, with Wilson 95% intervals, against the diagonal;
    the number of forecasts is written over each point."""
    figure, axes = plt.subplots(figsize=(4.2, 4.2))
    axes.plot([0, 1], [0, 1], linestyle="--", color=MUTED, linewidth=1, label="perfect calibration")
    if table is not None and len(table):
        x = table["mean_forecast"].to_numpy()
        y = table["observed_frequency"].to_numpy()
        low = y - table["ci_low"].to_numpy()
        high = table["ci_high"].to_numpy() - y
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
        for xi, yi, n in zip(x, y, table["n"].to_numpy(), strict=True):
            axes.annotate(
                f"n={n}", (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=8, color=INK
            )
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("Forecast probability (mean in bin)")
    axes.set_ylabel("Observed frequency")
    axes.set_title(title, color=INK)
    axes.set_aspect("equal")
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def forecasts_over_time_svg(frame: pd.DataFrame, known_at=None) -> str:
    """Each pundit's probability over time as a step line (a forecast stands until
    revised); a vertical line marks the day the outcome became known."""
    figure, axes = plt.subplots(figsize=(7.0, 3.0))
    for index, (name, rows) in enumerate(
        frame.sort_values("made_at").groupby("pundit_name", sort=True)
    ):
        color = PALETTE[index % len(PALETTE)]
        times = pd.to_datetime(rows["made_at"], utc=True)
        axes.step(
            times, rows["probability"], where="post", color=color, linewidth=1.6, label=name[:48]
        )
        axes.plot(times, rows["probability"], "o", color=color, markersize=5)
    if known_at is not None:
        axes.axvline(
            pd.Timestamp(known_at, tz="UTC"),
            color=MUTED,
            linestyle=":",
            linewidth=1.2,
            label="outcome known",
        )
    axes.set_ylim(-0.02, 1.02)
    axes.set_ylabel("Probability (yes)")
    axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    figure.autofmt_xdate()
    return _svg(figure)
