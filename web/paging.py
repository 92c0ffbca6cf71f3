"""Long lists a page at a time: ``?page=N`` (from 1), ``PAGE_SIZE`` rows a page."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, request

from forecasts.queries import Page


def current_page(query: Callable[[int, int], tuple[list, int]], param: str = "page") -> Page:
    """The page the request asks for of ``query(page, size) -> (items, total)``; a page
    number below 1, or past the last page, is a 404 (a value that is not a whole number
    is read as page 1)."""
    number = request.args.get(param, 1, type=int)
    if number is None or number < 1:
        abort(404)
    size = current_app.config["PAGE_SIZE"]
    items, total = query(number, size)
    page = Page(items, total, number, size)
    if number > page.pages:
        abort(404)
    return page
