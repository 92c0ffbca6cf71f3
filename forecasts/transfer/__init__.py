"""Moving the registry in and out as files: ``forecasts import`` (CSV or JSON, one row per
prediction, through the service layer's rules) and ``forecasts export``."""

from forecasts.transfer.exporting import export
from forecasts.transfer.importing import import_file
from forecasts.transfer.report import ImportRefused, ImportReport, RowError

__all__ = ["ImportRefused", "ImportReport", "RowError", "export", "import_file"]
