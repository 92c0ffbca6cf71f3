"""The seed registry, installed with the package as ``forecasts._seeds`` (see
pyproject.toml) so that an installed ``forecasts seed`` finds its files."""
