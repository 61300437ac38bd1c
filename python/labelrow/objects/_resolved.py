"""`ObjectInstance.ResolvedAnnotation`: the read-only view of an object at an offset of an event-based row.

It reads from the upsert holding over the offset (its `keyframe`); where that keyframe interpolates towards a
later upsert, the coordinates are derived in the core (`src/events.rs`). A subclass of `ObjectInstance.Annotation`
as in the reference, so code testing for an annotation accepts it; every write is refused.
"""

from __future__ import annotations

from typing import Any

from labelrow import _core
from labelrow.exceptions import LabelRowError
from labelrow.objects.coordinates import Coordinates, CuboidCoordinates, PointCoordinate, PointCoordinate3D
from labelrow.objects.interpolation import INTERPOLATED_CONFIDENCE
from labelrow.objects.ontology_object_instance import ObjectInstance

_READ_ONLY = (
    "This is a read-only resolved view on an event-based label row. "
    "Use `ObjectInstance.upsert_event(...)` to write a keyframe instead."
)


class ResolvedAnnotation(ObjectInstance.Annotation):
    """A read-only view of an object at `frame`, read from the upsert stored at `keyframe`."""

    __slots__ = ("_keyframe",)
    _keyframe: int

    def __init__(self, object_instance: ObjectInstance, frame: int, *, keyframe: int) -> None:
        object.__setattr__(self, "_object_instance", object_instance)
        object.__setattr__(self, "_frame", frame)
        object.__setattr__(self, "_keyframe", keyframe)

    @property
    def keyframe(self) -> int:
        """The frame of the stored upsert this view reads from."""
        return self._keyframe

    @property
    def is_virtual(self) -> bool:
        """True when no upsert is stored on exactly this frame."""
        return self._frame != self._keyframe

    def _meta(self) -> tuple:
        meta = self._object_instance._cell.meta(self._keyframe)
        if meta is None:
            raise LabelRowError("The keyframe this resolved view reads from no longer exists.")
        return meta

    def _set_meta(self, name: str, value: Any) -> None:
        raise LabelRowError(_READ_ONLY)

    @property
    def interpolation(self) -> str:
        """The interpolation mode of the keyframe."""
        self._meta()
        for frame, _kind, mode, _tag in _core.event_list(self._object_instance._cell):
            if frame == self._keyframe:
                return mode or "hold"
        return "hold"

    def _interpolated(self) -> Coordinates | None:
        self._meta()
        got = _core.event_interpolated(self._object_instance._cell, self._keyframe, self._frame)
        if got is None:
            return None
        kind, values = got
        if kind == "point":
            return PointCoordinate(x=values[0], y=values[1])
        if kind == "point3d":
            return PointCoordinate3D(x=values[0], y=values[1], z=values[2])
        return CuboidCoordinates(position=values[0], orientation=values[1], size=values[2])

    @property
    def is_interpolated(self) -> bool:
        """True when the coordinates are derived rather than stored."""
        return self._interpolated() is not None

    @property
    def coordinates(self) -> Coordinates:
        derived = self._interpolated()
        if derived is not None:
            return derived
        return ObjectInstance.Annotation(self._object_instance, self._keyframe).coordinates

    @coordinates.setter
    def coordinates(self, coordinates: Coordinates) -> None:
        raise LabelRowError(_READ_ONLY)

    @property  # type: ignore[override]
    def confidence(self) -> float:
        if self.is_interpolated:
            return INTERPOLATED_CONFIDENCE
        return self._meta()[4]

    def __setattr__(self, name: str, value: Any) -> None:
        raise LabelRowError(_READ_ONLY)

    def __repr__(self) -> str:
        return f"ResolvedAnnotation(object_hash={self.object_hash}, frame={self._frame}, keyframe={self._keyframe})"
