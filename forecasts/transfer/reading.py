"""Read an import file as a stream of rows: ``(line, cells)`` with cells in ``COLUMNS`` order.

Both readers stream: memory does not grow with the file. Text must be UTF-8 (a UTF-8 byte
order mark is fine); anything else is refused with the line and byte that are not UTF-8.
A problem with the whole file (encoding, header, JSON syntax) raises ``ValidationError``
on the field ``file``; a row of the wrong width is yielded as a ``BadRow`` for the
importer to report with the others.
"""

from __future__ import annotations

import codecs
import csv
import json
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from forecasts.csvsafe import restore
from forecasts.errors import ValidationError
from forecasts.transfer.columns import COLUMNS, INDEX, INFORMATIONAL
from forecasts.validation import plain_text

FORMATS = ("csv", "json")
Progress = Callable[[int], None]  # called with the number of bytes read since the last call

_BOM = "\ufeff"
_CSV_FIELD_LIMIT = 1 << 26  # a source's full text can be long
_PROGRESS_EVERY = 2048  # lines between progress reports
_JSON_CHUNK = 1 << 20
_JSON_MAX_OBJECT = 1 << 26  # read on while an object is incomplete, up to this size


@dataclass(frozen=True)
class BadRow:
    """A row the reader could not turn into cells (reported like any bad row)."""

    column: str
    rule: str
    value: str = ""


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "jsonl":
        raise ValidationError("format", "JSON Lines is not supported; give a JSON array")
    raise ValidationError(
        "format",
        f"cannot tell the format of {path.name!r} from its extension; name it .csv "
        "or .json, or give --format csv|json",
    )


def read_rows(
    path: Path, file_format: str, progress: Progress | None = None
) -> Iterator[tuple[int, tuple | BadRow]]:
    if not path.is_file():
        raise ValidationError("file", f"not found: {path}")
    if file_format == "csv":
        return read_csv(path, progress)
    return read_json(path, progress)


def _not_utf8(name: str, where: str, byte: int) -> ValidationError:
    return ValidationError(
        "file",
        f"{name} is not UTF-8 text: the byte 0x{byte:02x} {where} cannot be UTF-8. Save the "
        "file as UTF-8 (for a Latin-1 / Windows-1252 file: iconv -f latin1 -t utf-8); "
        "nothing was imported",
    )


def _check_start(name: str, head: bytes) -> None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(
            "file",
            f"{name} is UTF-16 text; save it as UTF-8 and import again; nothing was imported",
        )


def _lines(handle, name: str, progress: Progress | None) -> Iterator[str]:
    """Decoded lines, each checked to be UTF-8, with a running byte count for progress."""
    pending = 0
    for number, raw in enumerate(handle, start=1):
        pending += len(raw)
        if number == 1:
            _check_start(name, raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(name, f"on line {number}", raw[error.start]) from None
        if number == 1:
            text = text.removeprefix(_BOM)
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(pending)
            pending = 0
        yield text
    if progress is not None and pending:
        progress(pending)


def _csv_records(path: Path, progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every CSV record, the header first; each line UTF-8, the whole
    file valid CSV (else ``ValidationError`` naming the line)."""
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with path.open("rb") as handle:
        reader = csv.reader(_lines(handle, path.name, progress), strict=True)
        start = 1
        try:
            for row in reader:
                line, start = start, reader.line_num + 1
                yield line, row
        except csv.Error as error:
            raise ValidationError(
                "file", f"{path.name} line {reader.line_num}: not valid CSV ({error})"
            ) from None


def read_csv(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, tuple | BadRow]]:
    records = _csv_records(path, progress)
    _, header = next(records, (0, None))
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError("file", f"{path.name} is empty; the first line must name the columns")
    getter, width = _header_getter([cell.strip() for cell in header], path.name)
    for line, row in records:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if len(row) != width:
            yield line, BadRow("row", f"has {len(row)} values; the header has {width}")
            continue
        row = [restore(cell) for cell in row]  # undo the export's formula guard
        bad = _unstorable(row, header)
        if bad is not None:
            yield line, bad
            continue
        row.append("")  # the value of every column the file does not have
        yield line, getter(row)


def read_column(
    path: Path, file_format: str, name: str, progress: Progress | None = None
) -> Iterator[tuple[int, object]]:
    """(line, cell) of one column, on prediction rows only, quickly: for a first look at a
    column before the checked pass (``read_rows``) reads the file again. The file's faults
    are left to that pass, except those that stop it being read at all (not UTF-8, not
    CSV), refused here as that pass would refuse them."""
    entry_at, at = INDEX["entry"], INDEX[name]
    if file_format != "csv":
        for line, cells in read_json(path, progress):
            if not isinstance(cells, BadRow) and cells[entry_at] in ("", None, "prediction"):
                yield line, cells[at]
        return
    records = _csv_records(path, progress)
    header = [cell.strip() for cell in next(records, (0, ()))[1]]
    if name not in header:
        return
    column = header.index(name)
    entry = header.index("entry") if "entry" in header else None
    width = len(header)
    for line, row in records:
        if len(row) == width and (entry is None or row[entry] in ("", "prediction")):
            yield line, restore(row[column])


def _header_getter(header: list[str], name: str):
    unknown = [column for column in header if column not in INDEX and column not in INFORMATIONAL]
    if unknown:
        raise ValidationError(
            "file",
            f"{name} has unknown columns: {', '.join(map(repr, unknown))} (the columns "
            "are listed in docs/import-format.md)",
        )
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise ValidationError("file", f"{name} repeats the columns {', '.join(repeated)}")
    width = len(header)
    positions = [header.index(column) if column in header else width for column in COLUMNS]
    return operator.itemgetter(*positions), width


# --------------------------------------------------------------------------------- JSON


def read_json(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, tuple | BadRow]]:
    """A JSON array of objects, read object by object (never the whole file at once)."""
    for line, item in _json_items(path, progress):
        if not isinstance(item, dict):
            yield line, BadRow("row", f"must be a JSON object (got {type(item).__name__})")
            continue
        unknown = [key for key in item if key not in INDEX and key not in INFORMATIONAL]
        if unknown:
            yield (
                line,
                BadRow(
                    unknown[0], "is not a column (the columns are listed in docs/import-format.md)"
                ),
            )
            continue
        bad = _unstorable(list(item.values()), list(item))
        if bad is not None:
            yield line, bad
            continue
        yield line, tuple(_json_cell(item.get(column)) for column in COLUMNS)


def _unstorable(values: list, columns: list[str]) -> BadRow | None:
    """The first cell no database can store as text: a NUL byte or half a character
    pair (a lone surrogate), named by its column; the same rule as the forms'."""
    stack = list(zip(columns, values, strict=False))
    while stack:
        column, value = stack.pop()
        if isinstance(value, str):
            try:
                plain_text(value, column.strip())
            except ValidationError as error:
                return BadRow(error.errors[0].field, error.errors[0].rule)
        elif isinstance(value, list):
            stack.extend((column, item) for item in value)
        elif isinstance(value, dict):
            stack.extend((column, item) for pair in value.items() for item in pair)
    return None


def _json_cell(value):
    """JSON values as cells: null is empty, a list a tuple, an object a tuple of pairs."""
    if value is None:
        return ""
    if isinstance(value, list):
        return tuple(_json_cell(item) for item in value)
    if isinstance(value, dict):
        return tuple((str(key), _json_cell(item)) for key, item in value.items())
    return value


def _json_items(path: Path, progress: Progress | None) -> Iterator[tuple[int, object]]:
    decoder = json.JSONDecoder()
    text_decoder = codecs.getincrementaldecoder("utf-8")("strict")
    name = path.name
    with path.open("rb") as handle:
        buffer = ""
        position = 0  # where parsing stands in buffer
        line = 1  # the line of buffer[position]
        offset = 0  # bytes read so far
        at_end = False

        def more() -> bool:
            nonlocal buffer, position, offset, at_end
            if at_end:
                return False
            chunk = handle.read(_JSON_CHUNK)
            if offset == 0:
                _check_start(name, chunk)
            try:
                text = text_decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise _not_utf8(
                    name, f"at offset {offset + error.start}", chunk[error.start]
                ) from None
            if offset == 0:
                text = text.removeprefix(_BOM)
            offset += len(chunk)
            if progress is not None:
                progress(len(chunk))
            buffer = buffer[position:] + text
            position = 0
            at_end = not chunk
            return bool(chunk)

        def skip_space() -> str:
            """The next non-space character ('' at the end of the file)."""
            nonlocal position, line
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n":
                    if buffer[position] == "\n":
                        line += 1
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not more():
                    return ""

        def syntax(expected: str) -> ValidationError:
            found = buffer[position : position + 20] or "the end of the file"
            return ValidationError(
                "file", f"{name} line {line}: not valid JSON: expected {expected}, found {found!r}"
            )

        if skip_space() != "[":
            raise ValidationError(
                "file",
                f"{name} must hold a JSON array of objects, one per "
                "prediction ([{...}, {...}])",
            )
        position += 1
        first = True
        while True:
            char = skip_space()
            if char == "]":
                position += 1
                break
            if not first:
                if char != ",":
                    raise syntax("',' or ']'")
                position += 1
                char = skip_space()
            if char == "":
                raise syntax("an object")
            while True:
                try:
                    item, end = decoder.raw_decode(buffer, position)
                except (RecursionError, ValueError) as error:
                    if not isinstance(error, json.JSONDecodeError):
                        # Nested past any parser's depth, or a number too long to read.
                        raise ValidationError(
                            "file",
                            f"{name} line {line}: not valid JSON (nested too deeply, or a "
                            "number too long to read)",
                        ) from None
                    where = line + buffer.count("\n", position, error.pos)
                    if len(buffer) - position < _JSON_MAX_OBJECT and more():
                        continue  # the object may go on in the next chunk
                    raise ValidationError(
                        "file", f"{name} line {where}: not valid JSON ({error.msg})"
                    ) from None
                if end == len(buffer) and more():
                    continue  # a number may go on in the next chunk
                break
            yield line, item
            line += buffer.count("\n", position, end)
            position = end
            first = False
        if skip_space() != "":
            raise syntax("the end of the file")
