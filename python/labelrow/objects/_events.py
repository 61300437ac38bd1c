"""`ObjectInstance`'s event API on event-based (continuous scene) rows: reads and writes of an object's events,
and the read-only view of an object at an offset. The event lists and their computations are in the Rust core
(`src/events.rs`, `src/event_edits.rs`); this module unpacks arguments and builds the Python views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow._util import to_epoch, utc_datetime
from labelrow.exceptions import LabelRowError
from labelrow.objects.coordinates import Coordinates
from labelrow.objects.events import LabelDeleteEvent, LabelEvent, LabelUpsertEvent, _AnnotationMetadata
from labelrow.objects.frames import Range, Ranges

if TYPE_CHECKING:
    from labelrow.objects.ontology_object_instance import ObjectInstance

_I64 = (-(2**63), 2**63 - 1)


def frame_arg(frame: Any) -> int:
    """A frame offset as the core takes it: an int that fits 64 bits (about 292 years of nanoseconds)."""
    if not isinstance(frame, int) or isinstance(frame, bool):
        raise LabelRowError(f"The frame must be an integer nanosecond offset, got {frame!r}.")
    if not _I64[0] <= frame <= _I64[1]:
        raise LabelRowError(f"The frame `{frame}` is beyond the 64-bit nanosecond offsets labelrow stores.")
    return frame


def check_not_event_based(instance: ObjectInstance, method: str, reason: str) -> None:
    """Refuses a frame-grid method on an object of an event-based row."""
    if instance._is_event_based():
        raise LabelRowError(
            f"`{method}` is not available on an event-based label row. {reason} Read the object with `get_events`, "
            "`get_ranges` and `get_annotation(frame)`; write it with `upsert_event`, `delete_event` and "
            "`remove_event`."
        )


def check_event_based(instance: ObjectInstance, method: str) -> None:
    if instance._parent is None:
        raise LabelRowError(
            f"`{method}` requires this object to be attached to an event-based label row. "
            "Call `label_row.add_object_instance(object_instance)` first."
        )
    if not instance._is_event_based():
        raise LabelRowError(
            f"`{method}` is only available on an event-based label row. This object's label row is not "
            "event-based; use `set_for_frames`, `get_annotation` and `remove_from_frames` instead."
        )


def _metadata(instance: ObjectInstance, frame: int, tag: str | None, interpolate: str | None) -> _AnnotationMetadata:
    m = instance._cell.meta(frame)
    assert m is not None  # the frame comes from the object's own event list
    return _AnnotationMetadata(
        created_at=utc_datetime(m[0]),
        created_by=m[1],
        last_edited_at=utc_datetime(m[2]),
        last_edited_by=m[3],
        confidence=m[4],
        manual_annotation=m[5],
        is_deleted=m[6],
        event_kind=tag,  # type: ignore[arg-type]
        _interpolate=interpolate,  # type: ignore[arg-type]
    )


def get_events(instance: ObjectInstance) -> list[LabelEvent]:
    check_event_based(instance, "get_events")
    out: list[LabelEvent] = []
    for frame, kind, interpolate, tag in _core.event_list(instance._cell):
        meta = _metadata(instance, frame, tag, interpolate)
        if kind == "delete":
            out.append(LabelDeleteEvent(frame=frame, metadata=meta))
        else:
            coordinates = stored_coordinates(instance, frame)
            out.append(
                LabelUpsertEvent(
                    frame=frame,
                    metadata=meta,
                    coordinates=coordinates,  # type: ignore[arg-type]
                    interpolation=interpolate or "hold",  # type: ignore[arg-type]
                )
            )
    return out


def stored_coordinates(instance: ObjectInstance, frame: int) -> Coordinates:
    return instance.Annotation(instance, frame).coordinates


def get_ranges(instance: ObjectInstance) -> Ranges:
    return [Range(s, e) for s, e in _core.event_ranges(instance._cell)]


def _meta_args(**kw: Any) -> dict[str, Any]:
    return {
        "created_at": to_epoch(kw["created_at"]),
        "created_by": kw["created_by"],
        "last_edited_at": to_epoch(kw["last_edited_at"]),
        "last_edited_by": kw["last_edited_by"],
        "confidence": kw["confidence"],
        "manual_annotation": kw["manual_annotation"],
    }


def upsert_event(
    instance: ObjectInstance,
    coordinates: Coordinates,
    frame: int,
    *,
    overwrite: bool,
    interpolation: str | None,
    **meta: Any,
) -> None:
    from labelrow.objects.ontology_object_instance import _geometry_or_error

    check_event_based(instance, "upsert_event")
    row = instance._parent
    assert row is not None
    frame = frame_arg(frame)
    geometry = _geometry_or_error(instance, coordinates)
    if interpolation is not None and not isinstance(interpolation, str):
        raise LabelRowError(
            f"Unsupported interpolation mode {interpolation!r}; supported modes are ['hold', 'linear']."
        )
    order = _core.event_upsert(
        row._store, instance._cell, frame, geometry, _meta_args(**meta), interpolation, overwrite
    )
    row._objects[order] = instance
    _forget_if_gone(instance)


def delete_event(instance: ObjectInstance, frame: int) -> None:
    check_event_based(instance, "delete_event")
    assert instance._parent is not None
    _core.event_delete(instance._parent._store, instance._cell, frame_arg(frame))
    _forget_if_gone(instance)


def remove_event(instance: ObjectInstance, frame: int) -> None:
    check_event_based(instance, "remove_event")
    assert instance._parent is not None
    _core.event_remove(instance._parent._store, instance._cell, frame_arg(frame))
    _forget_if_gone(instance)


def _forget_if_gone(instance: ObjectInstance) -> None:
    """An object left without events has left the row's list: its cached Python instance goes too."""
    row = instance._parent
    if row is None:
        return
    order = row._store.order_of_cell(instance._cell)
    for o, inst in list(row._objects.items()):
        if inst is instance and o != order:
            del row._objects[o]


def resolved_annotation(instance: ObjectInstance, frame: int) -> ObjectInstance.Annotation:
    from labelrow.objects._resolved import ResolvedAnnotation

    frame = frame_arg(frame)
    keyframe = _core.event_resolve(instance._cell, frame)
    if keyframe is None:
        raise LabelRowError(
            f"The object does not exist at frame `{frame}` on this event-based label row: no upsert holds over it. "
            "Use `get_ranges()` to see where the object is present."
        )
    return ResolvedAnnotation(instance, frame, keyframe=keyframe)
