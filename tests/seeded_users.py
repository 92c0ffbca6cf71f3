"""The users every seeded test registry has (one per role), and signing them in."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"
ROLES = ("reader", "editor", "admin")


def sign_in(client, role: str):
    response = client.post("/login", data={"name": role, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)
