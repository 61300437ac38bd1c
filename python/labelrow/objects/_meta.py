"""Annotation metadata properties shared by object annotations and classification instances.

An owner class provides `_meta()` (the core's metadata tuple) and `_set_meta(name, value)`; each property reads
one slot and validates what is written as the reference does (emails checked, datetimes stored as UTC seconds).
"""

from __future__ import annotations

from typing import Any

from labelrow._util import check_email, to_epoch, utc_datetime

# Slots of the metadata tuple returned by the core.
_SLOTS = {
    "created_at": 0,
    "created_by": 1,
    "last_edited_at": 2,
    "last_edited_by": 3,
    "confidence": 4,
    "manual_annotation": 5,
    "is_deleted": 6,
}


class MetaProperty:
    """A metadata field of an annotation (read/write unless `readonly`)."""

    def __init__(self, *, readonly: bool = False) -> None:
        self.readonly = readonly
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj._meta()[_SLOTS[self.name]]
        return utc_datetime(value) if self.name.endswith("_at") else value

    def __set__(self, obj: Any, value: Any) -> None:
        if self.readonly:
            raise AttributeError(f"property '{self.name}' has no setter")
        if self.name.endswith("_by"):
            check_email(value)
        elif self.name.endswith("_at"):
            value = to_epoch(value)
        obj._set_meta(self.name, value)
