"""Aligned plain-text tables for people reading a terminal."""

from __future__ import annotations

from collections.abc import Sequence


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return " ".join(str(value).split())


def format_table(rows: Sequence[dict], columns: Sequence[str], max_width: int = 60) -> str:
    """Columns padded to their widest cell; cells longer than ``max_width`` are cut with '…'."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    cells = [
        [c if len(c) <= max_width else c[: max_width - 1] + "…" for c in line] for line in cells
    ]
    widths = [
        max([len(column)] + [len(line[i]) for line in cells]) for i, column in enumerate(columns)
    ]
    lines = ["  ".join(column.ljust(widths[i]) for i, column in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(c.ljust(widths[i]) for i, c in enumerate(line)).rstrip() for line in cells]
    return "\n".join(lines)
