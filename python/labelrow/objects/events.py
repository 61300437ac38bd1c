"""The events of an object on an event-based (continuous scene) label row, as `ObjectInstance.get_events()`
returns them. The event lists themselves live in the Rust core; these are read-only snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from labelrow.objects.coordinates import EventCoordinates
from labelrow.objects.interpolation import InterpolationMode

EventKind = Literal["upsert", "delete"]
"""``"upsert"``: the object exists with this geometry until its next event (an untagged entry reads as one).
``"delete"``: the object does not exist until a later upsert."""


@dataclass
class _AnnotationMetadata:
    """Provenance and confidence of a stored entry."""

    created_at: datetime = field(default_factory=datetime.now)
    created_by: str | None = None
    last_edited_at: datetime = field(default_factory=datetime.now)
    last_edited_by: str | None = None
    confidence: float = 1.0
    manual_annotation: bool = True
    is_deleted: bool | None = None
    reviews: list[dict[Any, Any]] | None = None
    event_kind: EventKind | None = None
    _interpolate: InterpolationMode | None = None


@dataclass(frozen=True)
class _LabelEventBase:
    """An event of an object: ``frame`` is a nanosecond offset from the start of the scene."""

    frame: int
    metadata: _AnnotationMetadata


@dataclass(frozen=True)
class LabelUpsertEvent(_LabelEventBase):
    """The object exists from ``frame`` until its next event, with ``coordinates`` (moving into the next upsert's
    unless ``interpolation`` is ``"hold"``)."""

    coordinates: EventCoordinates
    interpolation: InterpolationMode = "hold"

    kind: ClassVar[Literal["upsert"]] = "upsert"


@dataclass(frozen=True)
class LabelDeleteEvent(_LabelEventBase):
    """The object does not exist from ``frame`` until a later upsert."""

    kind: ClassVar[Literal["delete"]] = "delete"


LabelEvent = LabelUpsertEvent | LabelDeleteEvent

__all__ = ["EventKind", "LabelDeleteEvent", "LabelEvent", "LabelUpsertEvent"]
