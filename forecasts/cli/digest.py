"""``forecasts digest``: e-mail each editor the questions falling due."""

from __future__ import annotations

import click

from forecasts.cli.context import Context


@click.command("digest")
@click.option(
    "--base-url",
    required=True,
    help="The site's address, for the links in the e-mail (https://registry.example.org).",
)
@click.option(
    "--days",
    type=click.IntRange(0, 365),
    default=14,
    show_default=True,
    help="List the questions due within this many days, and the overdue ones.",
)
@click.option("--dry-run", is_flag=True, help="Print the digest instead of sending it.")
@click.pass_obj
def digest(obj: Context, base_url: str, days: int, dry_run: bool) -> None:
    """Send the daily digest of questions falling due to every active editor and admin
    with an e-mail address, by the SMTP server named in the environment
    (FORECASTS_SMTP_HOST, _PORT, _USER, _PASSWORD, _STARTTLS=1, _FROM). Run it daily
    (cron, a systemd timer)."""
    from forecasts import reminders
    from forecasts.errors import ValidationError
    from forecasts.validation import check_url

    base_url = check_url(base_url, "base-url")
    with obj.session() as session:
        due = reminders.falling_due(session, days=days)
        if dry_run:
            click.echo(f"{len(due)} question{'s' if len(due) != 1 else ''} falling due")
            for item in due:
                click.echo(f"- {item.statement} ({item.when()}, {item.waiting} forecasts)")
            return
        settings = reminders.smtp_settings()
        if settings is None:
            raise ValidationError("FORECASTS_SMTP_HOST", "is not set: no server to send with")
        try:
            sent = reminders.send_digests(session, settings, base_url, days=days)
        except OSError as error:  # smtplib's errors are OSErrors too
            raise click.ClickException(
                f"cannot send by {settings.host}:{settings.port}: {error}"
            ) from error
    if not due:
        click.echo("nothing is falling due: no digest sent")
    else:
        click.echo(f"sent the digest to {len(sent)} address{'es' if len(sent) != 1 else ''}")
