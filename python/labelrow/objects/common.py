"""Enumerations shared by the ontology classes (label shapes and attribute kinds)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

_E = TypeVar("_E", bound="StringEnum")


class StringEnum(StrEnum):
    """A ``str``-valued enum whose ``str()`` is the member name and which can be looked up leniently."""

    def __str__(self) -> str:
        return self.name

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)

    @classmethod
    def from_string(cls: type[_E], value: Any) -> _E | None:
        """Return the member whose value equals ``value``, or ``None`` (unhashable input raises TypeError)."""
        return cls._value2member_map_.get(value)  # type: ignore[return-value]


class Shape(StringEnum):
    """Geometry (or range kind) of an ontology object."""

    BOUNDING_BOX = "bounding_box"
    POLYGON = "polygon"
    POINT = "point"
    SKELETON = "skeleton"
    POLYLINE = "polyline"
    ROTATABLE_BOUNDING_BOX = "rotatable_bounding_box"
    BITMASK = "bitmask"
    AUDIO = "audio"
    TIME_RANGE = "time_range"
    TEXT = "text"
    CUBOID = "cuboid"
    CUBOID_2D = "cuboid_2d"
    CIRCLE = "circle"
    ELLIPSE = "ellipse"
    SEGMENTATION = "segmentation"


class PropertyType(StringEnum):
    """Kind of an attribute (the ``type`` key of an attribute dict)."""

    RADIO = "radio"
    TEXT = "text"
    CHECKLIST = "checklist"
    NUMERIC = "numeric"


#: Shapes whose instances live on ranges rather than on per-frame geometry.
RANGE_ONLY_SHAPES: frozenset[Shape] = frozenset({Shape.AUDIO, Shape.TIME_RANGE, Shape.TEXT})

__all__ = ["RANGE_ONLY_SHAPES", "PropertyType", "Shape", "StringEnum"]
