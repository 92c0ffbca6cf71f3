"""Helpers the browser tests share."""

from __future__ import annotations

from seeded_users import PASSWORD

__all__ = ["PASSWORD", "sign_in"]


def sign_in(page, base_url: str, name: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(base_url + "/")
