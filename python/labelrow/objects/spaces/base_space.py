"""`Space`: a view over the labels one space of a data-group row holds. The placements live in the row's Rust
store (`Row.space_*`); the instances placed are the row's shared object and classification cells, wrapped once
per hash so that every call returns the same Python objects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from labelrow._util import to_epoch
from labelrow.exceptions import LabelRowError
from labelrow.objects._meta import MetaProperty
from labelrow.objects.bitmask import BitmaskCoordinates
from labelrow.objects.classification_instance import ClassificationInstance
from labelrow.objects.common import Shape
from labelrow.objects.ontology_object_instance import ObjectInstance
from labelrow.objects.spaces.types import SpaceMetadata, space_metadata

if TYPE_CHECKING:
    from labelrow.objects.coordinates import Coordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2


def meta_args(
    created_at: datetime | None,
    created_by: str | None,
    last_edited_at: datetime | None,
    last_edited_by: str | None,
    confidence: float | None,
    manual_annotation: bool | None,
) -> dict[str, Any]:
    """The metadata arguments of a placement as the core reads them (None: the default or unchanged)."""
    return {
        "created_at": to_epoch(created_at),
        "created_by": created_by,
        "last_edited_at": to_epoch(last_edited_at),
        "last_edited_by": last_edited_by,
        "confidence": confidence,
        "manual_annotation": manual_annotation,
    }


class _Annotation:
    """One placement on a space: its metadata read from the store (read-only)."""

    def __init__(self, space: Space, frame: int | None) -> None:
        self._space = space
        self._frame = frame

    @property
    def space(self) -> Space:
        return self._space

    @property
    def frame(self) -> int:
        return 0 if self._frame is None else self._frame

    def _meta(self) -> tuple:
        raise NotImplementedError

    def _set_meta(self, name: str, value: Any) -> None:
        raise NotImplementedError

    created_at = MetaProperty()
    created_by = MetaProperty()
    last_edited_at = MetaProperty()
    last_edited_by = MetaProperty()
    confidence = MetaProperty()
    manual_annotation = MetaProperty()


class _ObjectAnnotation(_Annotation):
    """An object's annotation on one frame of a space (the single image of an image space)."""

    def __init__(self, space: Space, object_instance: ObjectInstance, frame: int) -> None:
        super().__init__(space, frame)
        self._object_instance = object_instance

    @property
    def object_instance(self) -> ObjectInstance:
        return self._object_instance

    @property
    def object_hash(self) -> str:
        return self._object_instance.object_hash

    def _entry(self) -> tuple:
        got = self._space._store().space_annotation(self._space.space_id, self.object_hash, self.frame)
        if got is None:
            raise LabelRowError(
                "Trying to use an ObjectInstance.FrameAnnotation for a VideoObjectInstance that is not on the frame"
            )
        return got

    def _meta(self) -> tuple:
        return self._entry()[1]

    def _set_meta(self, name: str, value: Any) -> None:
        self._space._store().space_set_object_meta(self._space.space_id, self.object_hash, self.frame, name, value)

    @property
    def coordinates(self) -> Coordinates:
        from labelrow.objects.coordinates import PolygonCoordinates, coordinates_from_frame_geometry

        entry = self._entry()[0]
        if entry["shape"] == "polygon":
            return PolygonCoordinates.from_polygons_list(entry["polygons"])
        return coordinates_from_frame_geometry(entry)

    @coordinates.setter
    def coordinates(self, coordinates: Coordinates) -> None:
        from labelrow.objects.ontology_object_instance import _geometry_or_error

        self._entry()
        geometry = _geometry_or_error(self._object_instance, coordinates)
        self._space._store().space_set_object_geometry(self._space.space_id, self.object_hash, self.frame, geometry)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(object_hash={self.object_hash}, frame={self.frame})"


class _ClassificationAnnotation(_Annotation):
    """A classification's placement on a frame of a space, or on the whole space (`frame` None)."""

    def __init__(self, space: Space, classification_instance: ClassificationInstance, frame: int | None) -> None:
        super().__init__(space, frame)
        self._classification_instance = classification_instance

    @property
    def classification_instance(self) -> ClassificationInstance:
        return self._classification_instance

    @property
    def classification_hash(self) -> str:
        return self._classification_instance.classification_hash

    def _meta(self) -> tuple:
        got = self._space._store().space_classification_meta(
            self._space.space_id, self.classification_hash, self._frame
        )
        if got is None:
            raise LabelRowError(
                f"Classification {self.classification_hash} is no longer placed on space {self._space.space_id}."
            )
        return got

    def _set_meta(self, name: str, value: Any) -> None:
        self._meta()
        self._space._store().space_set_classification_meta(
            self._space.space_id, self.classification_hash, self._frame, name, value
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(classification_hash={self.classification_hash}, frame={self._frame})"


class Space:
    """The labels of one space of a label row. Obtain spaces with `LabelRowV2.get_space` / `get_spaces`."""

    _space_type: str = ""

    def __init__(self, space_id: str, label_row: LabelRowV2, space_info: dict[str, Any]) -> None:
        self.space_id = space_id
        self._space_info = space_info
        self.metadata: SpaceMetadata = space_metadata(space_id, space_info)
        self._label_row = label_row

    def __repr__(self) -> str:
        return f"{type(self).__name__}(space_id={self.space_id!r})"

    def _store(self) -> Any:
        return self._label_row._require_labels()

    # ---- instances ------------------------------------------------------------------------------------------

    def get_object_instances(self) -> list[ObjectInstance]:
        """The object instances placed on this space, in order of placement."""
        return [self._label_row._space_object(c) for c in self._store().space_objects(self.space_id)]

    def get_classification_instances(self) -> list[ClassificationInstance]:
        """The classification instances placed on this space, in order of placement."""
        return [self._label_row._space_classification(c) for c in self._store().space_classifications(self.space_id)]

    def _object_by_hash(self, object_hash: str) -> ObjectInstance | None:
        for c in self._store().space_objects(self.space_id):
            if c.object_hash == object_hash:
                return self._label_row._space_object(c)
        return None

    def _classification_by_hash(self, classification_hash: str) -> ClassificationInstance | None:
        for c in self._store().space_classifications(self.space_id):
            if c.classification_hash == classification_hash:
                return self._label_row._space_classification(c)
        return None

    def get_annotations(
        self, type_: Literal["object", "classification"], filter_instance_hashes: list[str] | None = None
    ) -> Iterator[Any]:
        """The annotations of one kind on this space (objects: per frame; classifications: per placement)."""
        self._store()
        wanted = None if filter_instance_hashes is None else set(filter_instance_hashes)
        if type_ == "object":
            return self._object_annotations(wanted)
        if type_ == "classification":
            return self._classification_annotations(wanted)
        raise LabelRowError(f"Invalid type_: {type_}")

    def _object_annotations(self, wanted: set[str] | None) -> Iterator[_ObjectAnnotation]:
        store = self._store()
        cells = {c.object_hash: c for c in store.space_objects(self.space_id)}
        for frame, h in store.space_object_annotations(self.space_id):
            if wanted is None or h in wanted:
                yield _ObjectAnnotation(self, self._label_row._space_object(cells[h]), frame)

    def _classification_annotations(self, wanted: set[str] | None) -> Iterator[_ClassificationAnnotation]:
        store = self._store()
        cells = {c.classification_hash: c for c in store.space_classifications(self.space_id)}
        for frame, h in store.space_classification_annotations(self.space_id):
            if wanted is None or h in wanted:
                yield _ClassificationAnnotation(self, self._label_row._space_classification(cells[h]), frame)

    # ---- placing --------------------------------------------------------------------------------------------

    def _put_object(
        self,
        object_instance: ObjectInstance,
        frames: list[int],
        coordinates: Coordinates | str,
        on_overlap: str | None,
        meta: dict[str, Any],
    ) -> None:
        from labelrow.objects.ontology_object_instance import _geometry_or_error

        if isinstance(coordinates, str):
            width, height = self._rle_dimensions(frames)
            coordinates = rle_bitmask(object_instance, coordinates, width, height)
        geometry = _geometry_or_error(object_instance, coordinates)
        placed = object_instance._placed_spaces(self._label_row)
        self._store().space_put_object(self.space_id, object_instance._cell, frames, geometry, meta, on_overlap)
        self._label_row._remember_space_object(object_instance)
        placed.setdefault(self.space_id, None)

    def _rle_dimensions(self, frames: list[int]) -> tuple[int | None, int | None]:
        """The size of the media an RLE string covers on `frames` (spaces that hold bitmasks say)."""
        raise LabelRowError("RLE string coordinates are not supported on this space.")

    def _put_classification(
        self,
        classification_instance: ClassificationInstance,
        frames: list[int] | None,
        on_overlap: str | None,
        meta: dict[str, Any],
    ) -> None:
        self._store().space_put_classification(self.space_id, classification_instance._cell, frames, meta, on_overlap)
        self._label_row._remember_space_classification(classification_instance)

    def _remove_object(self, object_hash: str, frames: list[int] | None) -> ObjectInstance | None:
        inst = self._object_by_hash(object_hash)
        placed = None if inst is None else inst._placed_spaces(self._label_row)
        self._store().space_remove_object(self.space_id, object_hash, frames)
        if placed is not None and frames is None:
            placed.pop(self.space_id, None)
        return inst

    def _remove_classification(
        self, classification_hash: str, frames: list[int] | None
    ) -> ClassificationInstance | None:
        inst = self._classification_by_hash(classification_hash)
        self._store().space_remove_classification(self.space_id, classification_hash, frames)
        return inst


class WholeSpaceClassificationsSpace(Space):
    """A space whose classifications cover all of it (image, point cloud, audio, time series, text, HTML)."""

    def put_classification_instance(
        self,
        classification_instance: ClassificationInstance,
        *,
        on_overlap: Literal["error", "replace"] | None = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places `classification_instance` on the whole space (one instance per ontology classification;
        `on_overlap="replace"` takes the place of the one there)."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        self._put_classification(classification_instance, None, on_overlap, meta)

    def remove_classification_instance(self, classification_hash: str) -> ClassificationInstance | None:
        """Removes a classification from the space; returns it (KeyError when the space does not hold it)."""
        return self._remove_classification(classification_hash, None)


class UnsupportedSpace(Space):
    """A space type whose labels labelrow does not hold yet: it lists nothing and refuses placements."""

    def _refuse(self, *_: Any, **__: Any) -> None:
        raise NotImplementedError(
            f"Placing labels on {type(self).__name__} is not supported yet by labelrow (space {self.space_id!r})."
        )

    put_object_instance = _refuse
    put_classification_instance = _refuse
    remove_object_instance = _refuse
    remove_classification_instance = _refuse


def rle_bitmask(object_instance: ObjectInstance, rle: str, width: int | None, height: int | None) -> BitmaskCoordinates:
    """A bitmask object's coordinates from an RLE string covering the whole media (`width` x `height`)."""
    shape = object_instance.ontology_item.shape
    if shape != Shape.BITMASK:
        raise LabelRowError(
            f"RLE strings are only supported for {Shape.BITMASK.value} objects, but got shape '{shape}'."
        )
    if width is None or height is None or width <= 0 or height <= 0:
        raise LabelRowError("RLE string bitmask annotations require image width and height.")
    return BitmaskCoordinates(
        BitmaskCoordinates.EncodedBitmask(top=0, left=0, height=height, width=width, rle_string=rle)
    )
