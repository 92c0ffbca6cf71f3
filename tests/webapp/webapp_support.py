"""Helpers the web tests share."""

from seeded_users import PASSWORD, ROLES, csrf_token, sign_in

__all__ = ["PASSWORD", "ROLES", "csrf_token", "sign_in"]
