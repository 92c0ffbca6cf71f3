"""The errors a user can read: every refused input names its field and the rule it broke."""

from __future__ import annotations

from dataclasses import dataclass


class RegistryError(Exception):
    """Base of every error a user can read: refused input, a missing row, a lost race,
    a forbidden action. Each boundary (the command line, the HTML pages, the API) catches
    this one class and turns it into its own kind of answer."""


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


class ValidationError(RegistryError, ValueError):
    """Bad input: carries one or more (field, rule) pairs; nothing was written.

    ``str(error)`` is ``"probability: must be between 0 and 1 (got 1.2)"``; a form
    can place each of ``error.errors`` next to its own field.
    """

    def __init__(self, field_or_errors: str | list[FieldError], rule: str | None = None):
        if isinstance(field_or_errors, str):
            if rule is None:
                raise TypeError("ValidationError(field, rule) needs a rule")
            errors = [FieldError(field_or_errors, rule)]
        else:
            errors = list(field_or_errors)
        if not errors:
            raise TypeError("ValidationError needs at least one FieldError")
        self.errors: list[FieldError] = errors
        super().__init__("; ".join(str(e) for e in errors))

    @property
    def field(self) -> str:
        return self.errors[0].field

    @property
    def rule(self) -> str:
        return self.errors[0].rule

    def for_field(self, field: str) -> list[str]:
        return [e.rule for e in self.errors if e.field == field]


class NotFoundError(RegistryError, LookupError):
    """A row the caller named does not exist (the web answers 404)."""

    def __init__(self, kind: str, key: object):
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class ConflictError(RegistryError, RuntimeError):
    """Someone else changed the row since the caller read it (optimistic locking).

    ``current`` holds the row's current values so the caller can show them.
    """

    def __init__(self, kind: str, key: object, current: dict | None = None):
        self.kind = kind
        self.key = key
        self.current = current or {}
        super().__init__(
            f"{kind} {key!r} was changed by someone else since you loaded it; "
            "reload to see the current values"
        )


class PermissionDenied(RegistryError, PermissionError):
    """The acting user's role does not allow the action."""


class FieldErrors:
    """Collects every field error of one input so a form (or an import row) can show them
    all at once. ``with errors.field(): ...`` keeps a ``ValidationError`` raised inside."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def field(self) -> FieldErrors:
        # A plain context manager (not a generator): the importer enters it per cell.
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            self.items.extend(error.errors)
            return True
        return False

    def add(self, field: str, rule: str) -> None:
        self.items.append(FieldError(field, rule))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)
