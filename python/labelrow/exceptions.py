"""Exception classes, importable from the same place as in the reference SDK.

``LabelRowError`` and ``OntologyError`` derive from ``EncordException``. Where the reference lets a bare
built-in (``KeyError``, ``TypeError``, ``ValueError`` ...) escape for bad input, labelrow raises a subclass
that derives from both ``LabelRowError`` and that built-in, so ``except KeyError`` keeps working while the
message names the JSON path, frame or object hash at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime


@dataclass
class ExceptionContext:
    timestamp: str = field(default_factory=lambda: datetime.now(tz=UTC).isoformat())

    def __str__(self) -> str:
        return " ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if getattr(self, f.name) is not None
        )


class EncordException(Exception):
    """Base class of every labelrow exception (named as in the reference SDK)."""

    def __init__(self, message: str, context: ExceptionContext | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context = context if context is not None else ExceptionContext()

    def __str__(self) -> str:
        return f"{self.message} {self.context}"


CordException = EncordException


class LabelRowError(EncordException):
    """A label row, or an instance on it, was used in a way that is not allowed."""


class OntologyError(EncordException):
    """An ontology element could not be found or is of the wrong kind."""


class WrongProjectTypeError(EncordException):
    """The operation needs a workflow (or non-workflow) project."""


class MethodNotAllowedError(EncordException):
    """The operation is not allowed on this object."""


class InvalidArgumentsError(EncordException):
    """The arguments do not fit the call."""


class LabelRowKeyError(LabelRowError, KeyError):
    """A required key is missing (the reference raises a bare ``KeyError``)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return EncordException.__str__(self)


class LabelRowTypeError(LabelRowError, TypeError):
    """A value has the wrong kind (the reference raises a bare ``TypeError``)."""


class LabelRowValueError(LabelRowError, ValueError):
    """A value is not acceptable (the reference raises a bare ``ValueError``)."""


class LabelRowIndexError(LabelRowError, IndexError):
    """A list is too short (the reference lets an ``IndexError`` escape)."""


class LabelRowRuntimeError(LabelRowError, RuntimeError):
    """An argument of an unexpected type (the reference raises a bare ``RuntimeError``)."""


class LabelRowNotImplementedError(LabelRowError, NotImplementedError):
    """Input the reference does not support (it raises a bare ``NotImplementedError``)."""


class OntologyKeyError(OntologyError, KeyError):
    """A required ontology key is missing (the reference raises a bare ``KeyError``)."""

    def __str__(self) -> str:
        return EncordException.__str__(self)


class OntologyTypeError(OntologyError, TypeError):
    """An ontology element is of the wrong kind (the reference raises a bare ``TypeError``)."""


class OntologyValueError(OntologyError, ValueError):
    """An ontology value is not acceptable (the reference raises a bare ``ValueError``)."""


__all__ = [
    "CordException",
    "EncordException",
    "ExceptionContext",
    "InvalidArgumentsError",
    "LabelRowError",
    "LabelRowIndexError",
    "LabelRowKeyError",
    "LabelRowNotImplementedError",
    "LabelRowRuntimeError",
    "LabelRowTypeError",
    "LabelRowValueError",
    "MethodNotAllowedError",
    "OntologyError",
    "OntologyKeyError",
    "OntologyTypeError",
    "OntologyValueError",
    "WrongProjectTypeError",
]
