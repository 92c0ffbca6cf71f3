"""Option defaults and choices that ``--help`` shows, written out here so that building
the command line imports none of the modules they come from (those load pandas or
SQLAlchemy). ``tests/test_cli_startup.py`` checks that each equals the one it mirrors."""

BINS = 10  # forecasts.scoring.DEFAULT_BINS
EPS = 0.001  # forecasts.scoring.DEFAULT_EPS
MIN_N = 5  # forecasts.scores.DEFAULT_MIN_N
MAX_LISTED_ERRORS = 1_000  # forecasts.transfer.report.MAX_LISTED_ERRORS
ROLES = ("reader", "editor", "admin")  # forecasts.models.Role, least rights first
