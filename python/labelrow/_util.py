"""Small shared helpers of the facade: timestamps, generated hashes, the ontology compile cache."""

from __future__ import annotations

import base64
import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from labelrow import _core
from labelrow.exceptions import LabelRowValueError

_EMAIL = re.compile(r"^[^@]+@[^@]+\.[^@]+")


def short_uuid_str() -> str:
    """An 8-character hash: standard base64 of the first 6 bytes of a random UUID4 (as the reference)."""
    return base64.b64encode(uuid.uuid4().bytes[:6]).decode("ascii")


def to_epoch(value: datetime | str | None) -> int | None:
    """UTC seconds of a datetime (naive values are local time, as in the reference) or of a date string."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_date_string(value)
    if not isinstance(value, datetime):
        raise LabelRowValueError(f"expected a datetime, got {type(value).__name__}")
    return math.floor(value.timestamp())


def from_epoch(secs: int | None) -> datetime | None:
    if secs is None:
        return None
    return datetime.fromtimestamp(secs, tz=UTC)


def utc_datetime(secs: int) -> datetime:
    """An aware UTC datetime of epoch seconds."""
    return datetime.fromtimestamp(secs, tz=UTC)


def parse_date_string(text: str) -> int:
    """General date parsing (dateutil), used where the Rust parser does not know the format."""
    from dateutil import parser as date_parser

    try:
        parsed = date_parser.parse(text)
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(text, fuzzy=True)
        except (ValueError, OverflowError) as exc:
            raise LabelRowValueError(f"unknown date string format: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return math.floor(parsed.timestamp())


def date_fallback(text: str) -> int | None:
    """The callback the Rust parser uses for date strings it does not parse natively."""
    try:
        return parse_date_string(text)
    except LabelRowValueError:
        return None


def check_email(value: str | None) -> None:
    if value is not None and not _EMAIL.match(value):
        raise LabelRowValueError("Invalid email address")


def compiled_for_element(element: Any, kind: str) -> _core.CompiledOntology:
    """A compiled one-element ontology for an ontology Object or Classification (cached on the element)."""
    cached = element.__dict__.get("_lr_compiled")
    snapshot = element.to_dict() if kind == "objects" else _classification_dict(element)
    if cached is not None and cached[0] == snapshot:
        return cached[1]
    structure: dict[str, list[dict]] = {"objects": [], "classifications": []}
    structure[kind] = [snapshot]
    compiled = _core.CompiledOntology(structure)
    element.__dict__["_lr_compiled"] = (snapshot, compiled)
    return compiled


def _classification_dict(classification: Any) -> dict:
    try:
        return classification.to_dict()
    except ValueError:  # a classification without attributes cannot be written, but can be compiled
        d = {"id": str(classification.uid), "featureNodeHash": classification.feature_node_hash, "attributes": []}
        return d
