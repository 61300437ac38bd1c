"""`LabelRowV2`'s side of event-based (continuous scene) rows: presence queries over offsets, the objects such a
row accepts, and the refusal of frame-grid methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow.exceptions import LabelRowError
from labelrow.objects.classification_instance import range_filter_pairs
from labelrow.objects.coordinates import EVENT_SHAPES

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1

if TYPE_CHECKING:
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import ObjectInstance


def check_not_event_based(row: LabelRowV2, method: str, reason: str) -> None:
    if row._event_based:
        raise LabelRowError(
            f"`{method}` is not available on an event-based label row. {reason} Use `get_object_instances` and "
            "each object's `get_events`, `get_ranges` and `get_annotation(frame)` instead."
        )


def objects_present(row: LabelRowV2, feature: str | None, filter_frames: Any) -> list[ObjectInstance]:
    """The objects present anywhere in `filter_frames` (offsets, never expanded into a frame list: a range of a
    nanosecond timeline may hold billions of them)."""
    store = row._store
    # Offsets are 64-bit in the core; a window reaching past that holds the same objects as one ending there.
    pairs = [(max(s, _I64_MIN), min(e, _I64_MAX)) for s, e in range_filter_pairs(filter_frames)]
    out = []
    for order in store.filter_objects(feature, None):
        inst = row._object_instance(order)
        if inst.is_range_only():
            present = any(
                s <= e2 and s2 <= e for s, e in pairs for s2, e2 in ((r.start, r.end) for r in inst.get_ranges())
            )
        else:
            present = _core.event_intersects(inst._cell, pairs)
        if present:
            out.append(inst)
    return out


def check_event_object(instance: ObjectInstance) -> None:
    """An event-based row takes an object of an event shape that is either empty (to be written with
    `upsert_event`) or whose stored entries are terminated events (a `copy()` of a saved object)."""
    shape = instance.ontology_item.shape
    if shape not in EVENT_SHAPES:
        raise LabelRowError(
            f"Objects of shape `{getattr(shape, 'value', shape)}` cannot be placed on an event-based label row; only "
            f"{sorted(s.value for s in EVENT_SHAPES)} are supported."
        )
    events = _core.event_list(instance._cell)
    if events and events[-1][1] != "delete":
        raise LabelRowError(
            "An event-based label row cannot accept an object with per-frame coordinates: they would be "
            "reinterpreted as events, ending on an upsert with no closing `delete`. Add an empty object, then write "
            "its keyframes with `ObjectInstance.upsert_event` and end it with `delete_event`."
        )
    if not _core.event_answers_within(instance._cell):
        raise LabelRowError(
            "There are some dynamic answers on frames that have no coordinates. Please ensure that all the dynamic "
            "answers are only on frames where coordinates have been set previously."
        )


def check_no_events(instance: ObjectInstance) -> None:
    """A frame-based row takes no object carrying events (a `copy()` of an object of an event-based row): its
    `event` tags and interpolation have no meaning there. The reference refuses such a row when it is written
    out; labelrow refuses the object when it is added (docs/compatibility.md)."""
    marks = _core.event_marks(instance._cell)
    if marks == "event":
        raise LabelRowError(
            f"Object `{instance.object_hash}` carries `event` tags, but this label row is not event-based. `event` "
            "marks a sparse upsert/delete on a continuous timeline and only has a meaning on a continuous scene."
        )
    if marks == "interpolate":
        raise LabelRowError(
            f"Object `{instance.object_hash}` carries `interpolate`, but it is not an event-based object. "
            "Interpolation is only defined between keyframes of a continuous scene."
        )
