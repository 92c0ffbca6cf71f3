"""``forecasts users create``: the people who can sign in."""

from __future__ import annotations

import sys

import click

from forecasts.cli import defaults
from forecasts.cli.context import Context


@click.group("users")
def users() -> None:
    """Manage the people who can sign in."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(list(defaults.ROLES)), required=True)
@click.option("--email", default=None)
@click.pass_obj
def users_create(obj: Context, name: str, role: str, email: str | None) -> None:
    """Create a user. The password is asked for (or read from the first line of stdin)."""
    from forecasts import services

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
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
