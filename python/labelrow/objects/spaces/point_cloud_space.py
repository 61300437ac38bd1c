"""`PointCloudFileSpace`: a point-cloud file of a scene. Objects cover ranges of point indices (given as `Range`
objects or as a segmentation RLE string); classifications cover the whole file. The placements live in the
row's Rust store (`_core.point_cloud_*`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow.exceptions import LabelRowError
from labelrow.objects.frames import Range
from labelrow.objects.spaces.base_space import WholeSpaceClassificationsSpace, _Annotation, meta_args

if TYPE_CHECKING:
    from labelrow.objects.coordinates import AudioCoordinates, TextCoordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import ObjectInstance


def _pairs(ranges: Range | list[Range]) -> list[tuple[int, int]]:
    if isinstance(ranges, Range):
        return [(ranges.start, ranges.end)]
    return [(r.start, r.end) for r in ranges]


def _ranges(pairs: list[tuple[int, int]]) -> list[Range]:
    return [Range(start=s, end=e) for s, e in pairs]


class _RangeObjectAnnotation(_Annotation):
    """An object's placement on a point cloud: its point ranges and the instance's metadata."""

    def __init__(self, space: PointCloudFileSpace, object_instance: ObjectInstance) -> None:
        super().__init__(space, 0)
        self._point_cloud = space
        self._object_instance = object_instance

    @property
    def object_instance(self) -> ObjectInstance:
        return self._object_instance

    @property
    def object_hash(self) -> str:
        return self._object_instance.object_hash

    def _args(self) -> tuple[Any, str, str]:
        return self._point_cloud._store(), self._point_cloud.space_id, self.object_hash

    def _check(self) -> None:
        if self.object_hash not in self._point_cloud._held_hashes():
            raise LabelRowError(
                "Trying to use a RangeObjectAnnotation for an ObjectInstance that is not on this space."
            )

    def _meta(self) -> tuple:
        return _core.point_cloud_meta(*self._args())

    def _set_meta(self, name: str, value: Any) -> None:
        _core.point_cloud_set_meta(*self._args(), name, value)

    @property
    def ranges(self) -> list[Range]:
        self._check()
        return _ranges(_core.point_cloud_ranges(*self._args()))

    @ranges.setter
    def ranges(self, ranges: Range | list[Range]) -> None:
        self._check()
        _core.point_cloud_set_ranges(*self._args(), _pairs(ranges))

    @property
    def coordinates(self) -> AudioCoordinates | TextCoordinates:
        """Deprecated in the reference (use `ranges`): only text and audio objects have range coordinates."""
        from labelrow.objects.coordinates import AudioCoordinates, TextCoordinates

        self._check()
        shape = self._object_instance.ontology_item.shape.value
        ranges = self.ranges
        if shape == "text":
            return TextCoordinates(range=ranges)
        if shape == "audio":
            return AudioCoordinates(range=ranges)
        raise LabelRowError("This annotation is on an object that is not range-based.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(object_hash={self.object_hash})"


class PointCloudFileSpace(WholeSpaceClassificationsSpace):
    """A point-cloud file of a scene: objects on point ranges, classifications on the whole file."""

    def __init__(self, space_id: str, label_row: LabelRowV2, space_info: dict[str, Any]) -> None:
        super().__init__(space_id, label_row, space_info)
        self._scene_info = space_info["scene_info"]
        # The instance placed under each hash: each point cloud holds its own instances (a loaded row makes
        # one per file, as the reference does), so the row's one-per-hash cache cannot serve them.
        self._instances: dict[str, ObjectInstance] = {}

    def _held_hashes(self) -> set[str]:
        return {c.object_hash for c in self._store().space_objects(self.space_id)}

    def _wrap(self, cell: Any) -> ObjectInstance:
        inst = self._instances.get(cell.object_hash)
        if inst is None or not inst._cell.same_cell(cell):
            inst = self._label_row._space_object(cell)
            if not inst._cell.same_cell(cell):
                from labelrow.objects.ontology_object_instance import ObjectInstance

                inst = ObjectInstance._from_cell(self._label_row._element(cell.feature_hash), cell, None)
            self._instances[cell.object_hash] = inst
        return inst

    def get_object_instances(self) -> list[ObjectInstance]:
        """The object instances on this point cloud, in order of placement."""
        return [self._wrap(c) for c in self._store().space_objects(self.space_id)]

    def _object_by_hash(self, object_hash: str) -> ObjectInstance | None:
        for c in self._store().space_objects(self.space_id):
            if c.object_hash == object_hash:
                return self._wrap(c)
        return None

    def _object_annotations(self, wanted: set[str] | None) -> Iterator[Any]:
        for inst in self.get_object_instances():
            if wanted is None or inst.object_hash in wanted:
                yield _RangeObjectAnnotation(self, inst)

    def put_object_instance(
        self,
        object_instance: ObjectInstance,
        ranges: Range | list[Range] | str,
        *,
        on_overlap: str = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places an object on point ranges, or on the points a segmentation RLE string names (segmentation
        objects only). `on_overlap`: "error", "merge" (add the new ranges) or "replace" (drop the old ones)."""
        if isinstance(ranges, str):
            shape = object_instance.ontology_item.shape
            if shape.value != "segmentation":
                raise LabelRowError(
                    f"RLE strings are only supported for segmentation objects, but got shape '{shape.name}'."
                )
            pairs = _core.rle_to_point_ranges(ranges)
            if not pairs:
                raise LabelRowError("The RLE string produced no valid point ranges.")
        else:
            pairs = _pairs(ranges)
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        _core.point_cloud_put(self._store(), self.space_id, object_instance._cell, pairs, meta, on_overlap)
        self._instances[object_instance.object_hash] = object_instance
        self._label_row._remember_space_object(object_instance)

    def remove_object_instance_from_range(
        self, object_instance: ObjectInstance, ranges: Range | list[Range]
    ) -> list[Range]:
        """Removes an object from point ranges; the ranges it was on and is no longer. An object left on no
        point leaves the point cloud."""
        removed = _core.point_cloud_remove_ranges(
            self._store(), self.space_id, object_instance.object_hash, _pairs(ranges)
        )
        return _ranges(removed)

    def get_object_ranges(self, object_instance: ObjectInstance) -> list[Range]:
        """The point ranges of an object on this point cloud (LabelRowError when it is not on it)."""
        return _ranges(_core.point_cloud_ranges(self._store(), self.space_id, object_instance.object_hash))

    def remove_object_instance(self, object_hash: str) -> ObjectInstance | None:
        """Removes an object from this point cloud; returns it (KeyError when the point cloud does not hold it)."""
        inst = self._object_by_hash(object_hash)
        _core.point_cloud_remove_object(self._store(), self.space_id, object_hash)
        self._instances.pop(object_hash, None)
        return inst
