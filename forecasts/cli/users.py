"""``forecasts users``: the people who can sign in (create, list, set a password, change
a role, deactivate and reactivate)."""

from __future__ import annotations

import sys

import click

from forecasts.cli import defaults
from forecasts.cli.context import Context


@click.group("users")
def users() -> None:
    """Manage the people who can sign in."""


def _read_password() -> str:
    """Asked for twice at a terminal; else the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(list(defaults.ROLES)), required=True)
@click.option("--email", default=None)
@click.pass_obj
def users_create(obj: Context, name: str, role: str, email: str | None) -> None:
    """Create a user. The password is asked for (or read from the first line of stdin)."""
    from forecasts import services

    password = _read_password()
    with obj.session() as session:
        user = services.create_user(
            session,
            services.Actor.system(),
            name=name,
            role=role,
            password=password,
            email=email,
        )
    click.echo(f"created {user.role} {user.name!r}")


@users.command("list")
@click.pass_obj
def users_list(obj: Context) -> None:
    """Every user: name, role, whether they may sign in, e-mail."""
    from forecasts import queries

    with obj.session() as session:
        rows = [
            (u.name, u.role, "active" if u.is_active else "deactivated", u.email or "")
            for u in queries.list_users(session)
        ]
    if not rows:
        click.echo("no users yet: add one with `forecasts users create NAME --role admin`")
        return
    widths = [
        max(len(row[i]) for row in [("name", "role", "status", "email"), *rows]) for i in range(4)
    ]
    for row in [("name", "role", "status", "email"), *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@users.command("passwd")
@click.argument("name")
@click.pass_obj
def users_passwd(obj: Context, name: str) -> None:
    """Set NAME's password (asked for, or the first line of stdin); their sessions end."""
    from forecasts import services

    with obj.session() as session:
        user = services.user_by_name(session, name)
        password = _read_password()
        services.reset_password(session, services.Actor.system(), user.id, new_password=password)
    click.echo(f"set the password of {name!r}; their sessions have ended")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(list(defaults.ROLES)))
@click.pass_obj
def users_role(obj: Context, name: str, role: str) -> None:
    """Give NAME the role ROLE."""
    from forecasts import services

    with obj.session() as session:
        user = services.user_by_name(session, name)
        services.update_user(session, services.Actor.system(), user.id, role=role)
    click.echo(f"{name!r} is now {role}")


def _set_active(obj: Context, name: str, active: bool) -> None:
    from forecasts import services

    with obj.session() as session:
        user = services.user_by_name(session, name)
        services.update_user(session, services.Actor.system(), user.id, is_active=active)


@users.command("deactivate")
@click.argument("name")
@click.pass_obj
def users_deactivate(obj: Context, name: str) -> None:
    """Stop NAME signing in (their sessions end; their record and history stay)."""
    _set_active(obj, name, False)
    click.echo(f"deactivated {name!r}: they can no longer sign in")


@users.command("activate")
@click.argument("name")
@click.pass_obj
def users_activate(obj: Context, name: str) -> None:
    """Let a deactivated NAME sign in again."""
    _set_active(obj, name, True)
    click.echo(f"activated {name!r}")
