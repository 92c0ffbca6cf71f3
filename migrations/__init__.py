"""The Alembic migrations, installed with the package as ``forecasts._migrations`` (see
pyproject.toml) so that an installed ``forecasts db upgrade`` finds them. Alembic runs
``env.py`` and ``versions/`` itself; nothing here is imported as code."""
