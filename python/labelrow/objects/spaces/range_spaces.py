"""Spaces whose labels are ranges: audio (`AudioSpace`), time series (`TimeSeriesSpace`), plain text
(`TextSpace`) and HTML (`HTMLSpace`). An object sits on ranges of the space (HTML: node ranges); classifications
always cover the whole space. The metadata of an object's range placements is one set per object, shared by every
range space it is on, as in the reference."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from labelrow.exceptions import LabelRowError, LabelRowTypeError
from labelrow.objects.frames import Range
from labelrow.objects.html_node import HtmlNode, HtmlRange
from labelrow.objects.spaces.base_space import (
    Space,
    WholeSpaceClassificationsSpace,
    _Annotation,
    _ClassificationAnnotation,
    meta_args,
)

if TYPE_CHECKING:
    from labelrow.objects.coordinates import AudioCoordinates, HtmlCoordinates, TextCoordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import ObjectInstance

RangeOverlapStrategy = Literal["error", "merge", "replace"]
HtmlOverlapStrategy = Literal["error", "replace"]


def _pairs(ranges: Range | list[Range]) -> list[tuple[int, int]]:
    """`Range` or a list of them → `[(start, end), ...]`."""
    items = [ranges] if isinstance(ranges, Range) else ranges
    if not isinstance(items, list | tuple) or not all(isinstance(r, Range) for r in items):
        raise LabelRowTypeError(f"Expected a Range or a list of Range, got {ranges!r}")
    return [(r.start, r.end) for r in items]


def _html_pairs(ranges: HtmlRange | list[HtmlRange]) -> list[tuple[tuple[str, int], tuple[str, int]]]:
    """`HtmlRange` or a list of them → `[((xpath, offset), (xpath, offset)), ...]`."""
    items = [ranges] if isinstance(ranges, HtmlRange) else ranges
    if not isinstance(items, list | tuple) or not all(isinstance(r, HtmlRange) for r in items):
        raise LabelRowTypeError(f"Expected an HtmlRange or a list of HtmlRange, got {ranges!r}")
    return [((r.start.xpath, r.start.offset), (r.end.xpath, r.end.offset)) for r in items]


def _html_ranges(pairs: list) -> list[HtmlRange]:
    return [HtmlRange(start=HtmlNode(xpath=s[0], offset=s[1]), end=HtmlNode(xpath=e[0], offset=e[1])) for s, e in pairs]


class _PlacedObjectAnnotation(_Annotation):
    """An object's placement on a range space, with the metadata it shares with its other range spaces."""

    _invalid = "Trying to use a RangeObjectAnnotation for an ObjectInstance that is not on this space."

    def __init__(self, space: Space, object_instance: ObjectInstance) -> None:
        super().__init__(space, 0)
        self._object_instance = object_instance

    @property
    def object_instance(self) -> ObjectInstance:
        return self._object_instance

    @property
    def object_hash(self) -> str:
        return self._object_instance.object_hash

    def _placement(self) -> list:
        got = self._space._store().space_object_placement(self._space.space_id, self.object_hash)
        if got is None:
            raise LabelRowError(self._invalid)
        return got

    def _meta(self) -> tuple:
        got = self._space._store().space_range_meta(self._space.space_id, self.object_hash)
        if got is None:
            raise LabelRowError(self._invalid)
        return got

    def _set_meta(self, name: str, value: Any) -> None:
        self._space._store().space_set_range_meta(self._space.space_id, self.object_hash, name, value)

    def _set_placement(self, ranges: list | None, html: list | None) -> None:
        self._placement()
        self._space._store().space_set_object_placement(self._space.space_id, self.object_hash, ranges, html)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(object_hash={self.object_hash})"


class _RangeObjectAnnotation(_PlacedObjectAnnotation):
    """An object's placement on an audio, time-series or text space: integer ranges, sorted and merged."""

    @property
    def ranges(self) -> list[Range]:
        """The ranges the object covers on this space."""
        return [Range(s, e) for s, e in self._placement()]

    @ranges.setter
    def ranges(self, ranges: Range | list[Range]) -> None:
        self._set_placement(_pairs(ranges), None)

    @property
    def coordinates(self) -> AudioCoordinates | TextCoordinates:
        """The ranges as coordinates (text and audio objects; kept for compatibility, use `ranges`)."""
        from labelrow.objects.coordinates import AudioCoordinates, TextCoordinates

        ranges = self.ranges
        shape = str(getattr(self._object_instance.ontology_item.shape, "value", ""))
        if shape == "text":
            return TextCoordinates(range=ranges)
        if shape == "audio":
            return AudioCoordinates(range=ranges)
        raise LabelRowError("This annotation is on an object that is not range-based.")

    @coordinates.setter
    def coordinates(self, coordinates: AudioCoordinates | TextCoordinates) -> None:
        self.ranges = list(coordinates.range)


class _HtmlObjectAnnotation(_PlacedObjectAnnotation):
    """An object's placement on an HTML space: its node ranges, in the order given."""

    _invalid = "Trying to use an HtmlObjectAnnotation for an ObjectInstance that is not on this space."

    @property
    def ranges(self) -> list[HtmlRange]:
        return _html_ranges(self._placement())

    @ranges.setter
    def ranges(self, ranges: HtmlRange | list[HtmlRange]) -> None:
        self._set_placement(None, _html_pairs(ranges))

    @property
    def coordinates(self) -> HtmlCoordinates:
        from labelrow.objects.coordinates import HtmlCoordinates

        return HtmlCoordinates(range=self.ranges)

    @coordinates.setter
    def coordinates(self, coordinates: HtmlCoordinates) -> None:
        self.ranges = list(coordinates.range)


class _RangeSpaceBase(WholeSpaceClassificationsSpace):
    """What audio, time series, text and HTML spaces share: whole-space classifications, object listings."""

    _annotation_class: type[_PlacedObjectAnnotation] = _RangeObjectAnnotation

    def remove_object_instance(self, object_hash: str) -> ObjectInstance | None:
        """Removes an object from the space, whatever ranges it covers; returns it (an object the space does not
        hold: `KeyError` on audio, time-series and text spaces, None on HTML spaces, as in the reference)."""
        return self._remove_object(object_hash, None)

    def _object_annotations(self, wanted: set[str] | None) -> Iterator[_PlacedObjectAnnotation]:  # type: ignore[override]
        for c in self._store().space_objects(self.space_id):
            if wanted is None or c.object_hash in wanted:
                yield self._annotation_class(self, self._label_row._space_object(c))

    def _classification_annotations(self, wanted: set[str] | None) -> Iterator[_ClassificationAnnotation]:
        for c in self._store().space_classifications(self.space_id):
            if wanted is None or c.classification_hash in wanted:
                yield _ClassificationAnnotation(self, self._label_row._space_classification(c), None)

    def _put_ranges(
        self,
        object_instance: ObjectInstance,
        ranges: list[tuple[int, int]] | None,
        html: list | None,
        on_overlap: str | None,
        meta: dict[str, Any],
    ) -> None:
        placed = object_instance._placed_spaces(self._label_row)
        self._store().space_put_range_object(self.space_id, object_instance._cell, ranges, html, meta, on_overlap)
        self._label_row._remember_space_object(object_instance)
        placed.setdefault(self.space_id, None)


class RangeSpace(_RangeSpaceBase):
    """A space whose objects sit on integer ranges (audio, time series, plain text)."""

    def put_object_instance(
        self,
        object_instance: ObjectInstance,
        ranges: list[Range] | Range,
        *,
        on_overlap: RangeOverlapStrategy = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places `object_instance` on `ranges`. Where it already covers some of them, `on_overlap` decides:
        "error" refuses, "merge" adds the new ranges, "replace" drops its ranges before adding the new ones."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        self._put_ranges(object_instance, _pairs(ranges), None, on_overlap, meta)

    def remove_object_instance_from_range(
        self, object_instance: ObjectInstance, ranges: list[Range] | Range
    ) -> list[Range]:
        """Removes the object from `ranges`; returns the ranges it was removed from (an object left on no range
        leaves the space)."""
        removed = self._store().space_remove_object_ranges(self.space_id, object_instance.object_hash, _pairs(ranges))
        return [Range(s, e) for s, e in removed]

    def get_object_ranges(self, object_instance: ObjectInstance) -> list[Range]:
        """The ranges the object covers on this space (LabelRowError when the space does not hold it)."""
        got = self._store().space_object_placement(self.space_id, object_instance.object_hash)
        if got is None:
            raise LabelRowError(f"Object instance with hash '{object_instance.object_hash}' is not on this space.")
        return [Range(s, e) for s, e in got]


class AudioSpace(RangeSpace):
    """An audio file of a data group: ranges must lie within its duration (in milliseconds)."""

    def __init__(
        self, space_id: str, label_row: LabelRowV2, space_info: dict[str, Any], duration_ms: int | None = None
    ) -> None:
        super().__init__(space_id, label_row, space_info)
        self._duration_ms = duration_ms if duration_ms is not None else space_info.get("duration_ms")


class TimeSeriesSpace(RangeSpace):
    """A time series of a data group (or the row's own layer)."""


class TextSpace(RangeSpace):
    """A plain-text file of a data group (ranges are character offsets)."""


class HTMLSpace(_RangeSpaceBase):
    """An HTML file of a data group: objects sit on node ranges (`HtmlRange`)."""

    _annotation_class = _HtmlObjectAnnotation

    def put_object_instance(
        self,
        object_instance: ObjectInstance,
        ranges: HtmlRange | list[HtmlRange],
        *,
        on_overlap: HtmlOverlapStrategy = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places `object_instance` on the node ranges `ranges` ("replace" overwrites where it already is)."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        self._put_ranges(object_instance, None, _html_pairs(ranges), on_overlap, meta)
