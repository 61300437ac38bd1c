"""`ObjectInstance`: one labelled object (a track) of an ontology object, living in a Rust cell that the
label row shares, so edits made here are visible through the row at once and vice versa."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow._util import compiled_for_element, short_uuid_str, to_epoch
from labelrow.constants.enums import DATA_TYPES_WITH_UNKNOWN_LAST_FRAME
from labelrow.exceptions import LabelRowError, LabelRowKeyError
from labelrow.objects import _events, _range_objects
from labelrow.objects._attribute_tree import (
    answers_equal,
    canonical_checklist,
    decode_answer,
    encode_answer,
    infer_attribute,
    reachable,
    tree_of,
)
from labelrow.objects._meta import MetaProperty
from labelrow.objects.attributes import Attribute, ChecklistAttribute
from labelrow.objects.coordinates import (
    ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS,
    Coordinates,
    PolygonCoordinates,
    coordinates_from_frame_geometry,
    frame_geometry,
)
from labelrow.objects.frames import (
    Frames,
    Range,
    Ranges,
    frames_class_to_frames_list,
    frames_class_to_runs,
)

if TYPE_CHECKING:
    from labelrow.objects.events import LabelEvent
    from labelrow.objects.html_node import HtmlRanges
    from labelrow.objects.interpolation import InterpolationMode
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object import Object
    from labelrow.objects.skeleton_template import SkeletonTemplate

_NOT_ON_FRAME = "Trying to use an ObjectInstance.Annotation for an ObjectInstance that is not on the frame"


@dataclass
class AnswerForFrames:
    answer: Any
    ranges: Ranges


AnswersForFrames = list[AnswerForFrames]


class ObjectInstance:
    """An instance of an ontology object with coordinates on one or more frames and attribute answers."""

    # `_range_only`: whether the ontology object's shape covers ranges (asked on every annotation lookup).
    __slots__ = ("__weakref__", "_cell", "_ontology_object", "_parent", "_range_only", "_space_host", "_space_order")
    # The row whose spaces hold this object (set when a space takes it), and the ids of the spaces it was placed
    # on, in placement order (see `_space_annotations`).
    _space_host: Any
    _space_order: dict[str, None]

    def __init__(
        self, ontology_object: Object, *, object_hash: str | None = None, object_number: int | None = None
    ) -> None:
        _check_object_number(object_number)
        compiled = compiled_for_element(ontology_object, "objects")
        self._ontology_object = ontology_object
        self._range_only = _is_range_shape(ontology_object)
        self._cell = _core.ObjectCell(compiled, ontology_object.feature_node_hash, object_hash or short_uuid_str())
        self._cell.object_number = object_number
        self._parent: LabelRowV2 | None = None

    @classmethod
    def _from_cell(cls, ontology_object: Object, cell: _core.ObjectCell, parent: LabelRowV2 | None) -> ObjectInstance:
        self = cls.__new__(cls)
        self._ontology_object = ontology_object
        self._range_only = _is_range_shape(ontology_object)
        self._cell = cell
        self._parent = parent
        return self

    # ---- identity ---------------------------------------------------------------------------------------------

    @property
    def object_hash(self) -> str:
        return self._cell.object_hash

    @property
    def ontology_item(self) -> Object:
        return self._ontology_object

    @property
    def feature_hash(self) -> str:
        return self._ontology_object.feature_node_hash

    @property
    def object_name(self) -> str:
        return self._ontology_object.name

    @property
    def object_number(self) -> int | None:
        return self._cell.object_number

    @object_number.setter
    def object_number(self, value: int | None) -> None:
        _check_object_number(value)
        self._cell.object_number = value

    def is_range_only(self) -> bool:
        return self._range_only

    def is_assigned_to_label_row(self) -> LabelRowV2 | None:
        return self._parent

    def _is_event_based(self) -> bool:
        """Whether this object's labels are sparse events on a continuous timeline (range-shaped objects keep
        their ranges)."""
        return not self._range_only and self._parent is not None and self._parent._event_based

    # ---- events (event-based rows) ----------------------------------------------------------------------------

    def get_events(self) -> list[LabelEvent]:
        """All stored events of this object on an event-based label row, frame ascending (deletes included)."""
        return _events.get_events(self)

    def upsert_event(
        self,
        coordinates: Coordinates,
        frame: int,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
        interpolation: InterpolationMode | None = None,
    ) -> None:
        """Writes a keyframe on an event-based row: from `frame` (a nanosecond offset) on, the object has these
        coordinates, until its next event. `interpolation` (default: that of the upsert replaced or split, else
        `"hold"`) says whether it moves into the next upsert. A delete stored on `frame` is replaced; an upsert
        only with `overwrite`."""
        _events.upsert_event(
            self,
            coordinates,
            frame,
            overwrite=overwrite,
            interpolation=interpolation,
            created_at=created_at,
            created_by=created_by,
            last_edited_at=last_edited_at,
            last_edited_by=last_edited_by,
            confidence=confidence,
            manual_annotation=manual_annotation,
        )

    def delete_event(self, frame: int) -> None:
        """Writes a `delete` on an event-based row: from `frame` on, the object does not exist (on its own opening
        keyframe, that keyframe is removed instead; where it is already absent, nothing is written)."""
        _events.delete_event(self, frame)

    def remove_event(self, frame: int) -> None:
        """Erases the event stored on `frame`, as if it had never been written."""
        _events.remove_event(self, frame)

    # `ResolvedAnnotation`, a subclass of `Annotation`, is attached at the end of the module.
    ResolvedAnnotation: type[Any]

    def __repr__(self) -> str:
        return (
            f"ObjectInstance(object_hash={self.object_hash}, object_name={self.object_name}, "
            f"feature_hash={self.feature_hash})"
        )

    # ---- frames -----------------------------------------------------------------------------------------------

    def _row_order(self) -> int | None:
        """This object's position on its row, while the row still holds it."""
        if self._parent is None or self._parent._store is None:
            return None
        return self._parent._store.order_of_cell(self._cell)

    def _bound(self) -> int | None:
        if self._parent is None or self._parent.data_type in DATA_TYPES_WITH_UNKNOWN_LAST_FRAME:
            return None
        return self._parent.number_of_frames

    def check_within_range(self, frame: int) -> None:
        bound = self._bound()
        if frame < 0 or (bound is not None and frame >= bound):
            raise LabelRowError(
                f"The supplied frame of `{frame}` is not within the acceptable bounds of `0` to "
                f"`{'inf' if bound is None else bound}`."
            )

    def set_for_frames(
        self,
        coordinates: Coordinates,
        frames: Frames = 0,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
        reviews: list[dict] | None = None,
        is_deleted: bool | None = None,
        event_kind: Any = None,
    ) -> None:
        """Places the object on `frames` with `coordinates` (and metadata).

        A range-shaped object (audio, text, time range) takes range coordinates on frame 0 only, and they replace
        its ranges.
        """
        if self._parent is not None and self._parent._event_based:
            _events.check_not_event_based(
                self,
                "set_for_frames",
                "Labels are sparse events rather than per-frame entries; a keyframe is written with `upsert_event`.",
            )
        range_only = self.is_range_only()
        if range_only:
            _range_objects.check_range_call(coordinates, frames)
        parent = self._parent
        store = None if parent is None else parent._store
        if (
            not range_only
            and is_deleted is None
            and (parent is None or store is not None)
            and self._cell.set_for_frames_fast(
                coordinates,
                frames,
                store,
                overwrite,
                created_at,
                created_by,
                last_edited_at,
                last_edited_by,
                confidence,
                manual_annotation,
            )
        ):
            return
        if range_only:
            frame_list = [0]
            geometry = _range_objects.range_geometry(self, coordinates, overwrite)
        else:
            frame_list = frames_class_to_frames_list(frames)
            if not frame_list:  # e.g. a reversed Range: nothing to check or set, as in the reference
                return
            geometry = _geometry_or_error(self, coordinates)
        meta: dict[str, Any] = {
            "created_at": to_epoch(created_at),
            "created_by": created_by,
            "last_edited_at": to_epoch(last_edited_at),
            "last_edited_by": last_edited_by,
            "confidence": confidence,
            "manual_annotation": manual_annotation,
        }
        order = self._row_order()
        if order is not None and self._parent is not None:
            self._parent._store.object_set_frames(order, frame_list, geometry, meta, overwrite=overwrite)
        else:
            self._cell.set_frames(frame_list, geometry, meta, overwrite=overwrite, bound=self._bound())
            if self._parent is not None:
                # Still pointing at a row that no longer lists it: the row registers the frames for its hash.
                self._parent._stray_frames.setdefault(self.object_hash, set()).update(frame_list)
        if is_deleted is not None:
            for f in frame_list:
                self._cell.set_meta_field(f, "is_deleted", is_deleted)

    def set_for_frames_bulk(
        self,
        frames: Any,
        coordinates: Any,
        *,
        offsets: Any = None,
        confidence: Any = None,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        manual_annotation: bool | None = None,
        skeleton_template: SkeletonTemplate | None = None,
        visibility: Any = None,
    ) -> None:
        """`set_for_frames` for many frames in one call: the same result as one call per frame.

        `frames`: N frame numbers. `coordinates`, in the layout of `LabelRowV2.get_annotation_columns()`:
        bounding boxes as an N x 4 float array (x, y, w, h of the top-left corner), rotatable boxes N x 5
        (x, y, w, h, theta), points N x 2 (x, y); polygons and polylines as a V x 2 array of vertices with
        `offsets` (N + 1 ints: annotation `i` is `vertices[offsets[i]:offsets[i + 1]]`, one ring per polygon).
        Circles N x 5 (center x, center y, radius, stretch, theta), ellipses N x 5 (center x, center y, rx, ry,
        theta), cuboids N x 9 (position, orientation, size), 2-D cuboids N x 11 (x, y of the four front corners,
        vanishing point x, y, scale ratio) or, for isometric ones, N x 10 (front corners, offset x, y). Skeletons
        as N x K x 2 keypoints (x, y of each point of `skeleton_template`, in template order), each point named,
        colored and valued from the template, with optional `visibility` codes (N x K: 0 none, 1 visible,
        2 invisible, 3 occluded, 4 self-occluded). Any shape also takes a list of N coordinate objects, as
        `set_for_frames` takes them. `confidence`: optional, N
        values. The other metadata apply to every frame. Nothing is changed if any frame fails a check.
        """
        import numpy as np

        _events.check_not_event_based(
            self,
            "set_for_frames_bulk",
            "Labels are sparse events rather than per-frame entries; a keyframe is written with `upsert_event`.",
        )
        kind = str(getattr(self._ontology_object.shape, "value", self._ontology_object.shape))
        if isinstance(coordinates, (list, tuple)):
            if self.is_range_only():
                raise LabelRowError("Range-based objects take one set of ranges: use `set_for_frames(..., frames=0)`.")
            acceptable = set(ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.get(self._ontology_object.shape, []))
            for c in coordinates:
                if type(c) not in acceptable:
                    _check_coordinates_type(self, c)
        else:
            coordinates = np.ascontiguousarray(coordinates, dtype=np.float64)
            if coordinates.ndim == 3:
                coordinates = coordinates.reshape(coordinates.shape[0], -1)
        skeleton = None
        if skeleton_template is not None:
            points = [skeleton_template.skeleton[k] for k in sorted(skeleton_template.skeleton, key=int)]
            vis = None if visibility is None else np.ascontiguousarray(visibility, dtype=np.uint8)
            if vis is not None and vis.ndim == 1:
                vis = vis.reshape(1, -1)
            skeleton = ([(p.name, p.color, p.feature_hash, p.value) for p in points], vis)
        frames_arr = np.ascontiguousarray(frames, dtype=np.int64).reshape(-1)
        offs = None if offsets is None else np.ascontiguousarray(offsets, dtype=np.int64).reshape(-1)
        conf = None if confidence is None else np.ascontiguousarray(confidence, dtype=np.float64).reshape(-1)
        meta: dict[str, Any] = {
            "created_at": to_epoch(created_at),
            "created_by": created_by,
            "last_edited_at": to_epoch(last_edited_at),
            "last_edited_by": last_edited_by,
            "confidence": None,
            "manual_annotation": manual_annotation,
        }
        args = (frames_arr, kind, coordinates, meta)
        options: dict[str, Any] = {"offsets": offs, "confidence": conf, "overwrite": overwrite, "skeleton": skeleton}
        order = self._row_order()
        if order is not None and self._parent is not None:
            self._parent._store.object_set_frames_bulk(order, *args, **options, fallback=frame_geometry)
        else:
            self._cell.set_frames_bulk(*args, **options, bound=self._bound(), fallback=frame_geometry)

    def get_annotation(self, frame: int | str = 0) -> Annotation:
        if frame != 0 and self.is_range_only():
            raise LabelRowError(
                'This annotation data for this object instance is stored on only one "frame". '
                "Use `get_annotation(0)` to get the frame data of the first frame."
            )
        if isinstance(frame, str):
            if self._parent is None:
                raise LabelRowError("Cannot get an annotation by image hash for an object not on a label row.")
            frame = self._parent._frame_of_image_hash(frame)
        parent = self._parent
        if parent is not None and parent._event_based and not self._range_only:  # `_is_event_based`, inlined
            return _events.resolved_annotation(self, frame)
        return ObjectInstance.Annotation(self, frame)

    def get_annotations(self) -> list[Annotation]:
        _events.check_not_event_based(
            self,
            "get_annotations",
            "The object is present over ranges rather than on a list of frames, and its stored entries are "
            "keyframes and `delete` markers rather than annotations.",
        )
        on_spaces = self._space_annotations()
        if on_spaces is not None:
            return on_spaces
        return [ObjectInstance.Annotation(self, f) for f in self._cell.frames()]

    def _placed_spaces(self, row: Any) -> dict[str, None]:
        """The ids of the spaces the object was placed on, in placement order, as the reference keeps them: a
        space joins at the object's first placement there and leaves when the object is removed from it whole
        (not when removing frames or ranges leaves it on none). An object read from a label dict was placed
        space by space in the row's order."""
        from labelrow.objects.spaces import PointCloudFileSpace

        order = getattr(self, "_space_order", None)
        if order is None:
            order = {
                space.space_id: None
                for space in row.get_spaces()
                if not isinstance(space, PointCloudFileSpace)
                and any(True for _ in space.get_annotations("object", [self.object_hash]))
            }
            self._space_order = order
        return order

    def _space_annotations(self) -> list[Any] | None:
        """The annotations of an object placed on spaces of a data group (image, video, image-sequence, medical,
        PDF and range spaces), space by space in placement order; `None` for an object on none of them. Point
        clouds do not count: the reference does not register its objects with them."""
        row = getattr(self, "_space_host", None)
        if row is None:
            return None
        order = self._placed_spaces(row)
        if not order:
            return None
        found: list[Any] = []
        for space_id in order:
            found.extend(row._space_map[space_id].get_annotations("object", [self.object_hash]))
        return found

    def get_annotation_frames(self) -> set[int]:
        _events.check_not_event_based(
            self,
            "get_annotation_frames",
            "The stored frames are keyframes and `delete` markers, so the answer would include the offset at "
            "which the object stops existing as one it is annotated on.",
        )
        return set(self._cell.frames())

    def get_ranges(self) -> Ranges:
        if self.is_range_only():
            return _range_objects.range_list(self) or []
        if self._is_event_based():
            return _events.get_ranges(self)
        return [Range(s, e) for s, e in self._cell.frame_ranges()]

    @property
    def range_list(self) -> Ranges | None:
        if not self.is_range_only():
            raise LabelRowError(
                "No ranges available for this object instance. Please ensure the object instance was created with "
                "a range-based shape (audio, text or time range)."
            )
        return _range_objects.range_list(self)

    @property
    def range_html(self) -> HtmlRanges | None:
        return _range_objects.range_html(self)

    def remove_from_frames(self, frames: Frames) -> None:
        if frames != 0 and self.is_range_only():
            raise LabelRowError(
                "For objects with a non-geometric shape (e.g. text and audio), there is only one frame. "
                "Please ensure `remove_from_frames` is called with `frames=0`."
            )
        _events.check_not_event_based(
            self,
            "remove_from_frames",
            "Labels are sparse events rather than per-frame entries; end the object with `delete_event` or erase "
            "a stored event with `remove_event`.",
        )
        frame_list = frames_class_to_frames_list(frames)
        order = self._row_order()
        if order is not None and self._parent is not None:
            self._parent._store.object_remove_frames(order, frame_list)
        elif self._parent is not None:
            self._parent._unregister_detached(self, frame_list)
        else:
            self._cell.remove_frames(frame_list)

    def is_valid(self) -> None:
        if not self._cell.frame_count():
            raise LabelRowError("ObjectInstance is not on any frames. Please add it to at least one frame.")
        self.are_dynamic_answers_valid()

    def are_dynamic_answers_valid(self) -> None:
        valid = _core.event_answers_within(self._cell) if self._is_event_based() else self._cell.dynamic_answers_valid()
        if not valid:
            raise LabelRowError(
                "There are some dynamic answers on frames that have no coordinates. Please ensure that all the "
                "dynamic answers are only on frames where coordinates have been set previously."
            )

    def copy(self) -> ObjectInstance:
        return ObjectInstance._from_cell(self._ontology_object, self._cell.copy(short_uuid_str()), None)

    # ---- answers ----------------------------------------------------------------------------------------------

    def _selected(self) -> dict[str, Any]:
        tree = tree_of(self._ontology_object)
        out: dict[str, Any] = {}
        for attr in tree.static_slots:
            got = self._cell.get_static(attr.feature_node_hash)
            if got is not None:
                out[attr.feature_node_hash] = got[0]
        return out

    def set_answer(
        self,
        answer: Any,
        attribute: Attribute | None = None,
        frames: Frames | None = None,
        overwrite: bool = False,
        manual_annotation: bool = True,
    ) -> None:
        tree = tree_of(self._ontology_object)
        if attribute is None:
            attribute = infer_attribute(tree, answer)
        if not tree.is_valid_child(attribute):
            raise LabelRowError("The attribute is not a valid child of the object.")
        attribute = tree.by_hash[attribute.feature_node_hash]
        if not attribute.dynamic and not reachable(tree, attribute, self._selected()):
            raise LabelRowError(
                "Setting a nested attribute is only possible if all parent attributes have been selected."
            )
        if frames is not None and not attribute.dynamic:
            raise LabelRowError("Setting frames is only possible for dynamic attributes.")
        runs = None if frames is None else frames_class_to_runs(frames)
        if not attribute.dynamic:
            if self._cell.get_static(attribute.feature_node_hash) is not None and not overwrite:
                raise LabelRowError(
                    "The answer to this attribute was already set. Set `overwrite` to `True` if you want to "
                    "overwrite an existing answer to an attribute."
                )
            self._cell.set_static(attribute.feature_node_hash, encode_answer(attribute, answer), manual_annotation)
            return
        encoded = encode_answer(attribute, answer)
        stepwise = frames is None
        if runs is None and self._is_event_based():
            # Wherever the object is present: the stretches its upserts hold over, in one call.
            runs = [(r.start, r.end) for r in _events.get_ranges(self)]
            stepwise = False
        # No frames: every frame of the object, one at a time (the reference's order of effects depends on it).
        pairs = [(f, f) for f in self._cell.frames()] if runs is None else runs
        for start, end in pairs:
            self.check_within_range(start)
            self.check_within_range(end)
        self._cell.set_dynamic(attribute.feature_node_hash, encoded, pairs, stepwise)

    def get_answer(
        self,
        attribute: Attribute | None = None,
        filter_answer: Any = None,
        filter_frame: int | None = None,
        is_dynamic: bool | None = None,
    ) -> Any:
        tree = tree_of(self._ontology_object)
        if attribute is None:
            attribute = self._ontology_object.attributes[0]
        if not tree.is_valid_child(attribute):
            raise LabelRowError("The attribute is not a valid child of the object.")
        attribute = tree.by_hash[attribute.feature_node_hash]
        if is_dynamic is not None and is_dynamic != attribute.dynamic:
            raise LabelRowError(
                f"The attribute is {'dynamic' if attribute.dynamic else 'not dynamic'}, but is_dynamic is set to "
                f"{is_dynamic}."
            )
        if not attribute.dynamic:
            if not reachable(tree, attribute, self._selected()):
                return None
            got = self._cell.get_static(attribute.feature_node_hash)
            if got is None:
                return [] if isinstance(attribute, ChecklistAttribute) else None
            return decode_answer(tree, attribute, got[0])
        out: AnswersForFrames = []
        wanted = None if filter_answer is None else encode_answer(attribute, filter_answer)
        for value, pairs in self._cell.get_dynamic(attribute.feature_node_hash):
            if wanted is not None and not answers_equal(attribute, value, wanted):
                continue
            if filter_frame is not None and not any(s <= filter_frame <= e for s, e in pairs):
                continue
            out.append(AnswerForFrames(decode_answer(tree, attribute, value), [Range(s, e) for s, e in pairs]))
        return out

    def delete_answer(self, attribute: Attribute, filter_answer: Any = None, filter_frame: int | None = None) -> None:
        tree = tree_of(self._ontology_object)
        if not tree.is_valid_child(attribute):
            # As the reference: a static one is looked up among the static answers (KeyError); a dynamic one
            # simply has no answers to delete.
            if not attribute.dynamic:
                raise LabelRowKeyError(attribute.feature_node_hash)
            return
        attribute = tree.by_hash[attribute.feature_node_hash]
        if not attribute.dynamic:
            self._cell.unset_static(attribute.feature_node_hash)
            return
        value = None if filter_answer is None else encode_answer(attribute, filter_answer)
        if isinstance(value, list) and not canonical_checklist(attribute, value):
            return  # a checklist filter out of ontology order matches no stored answer (as in the reference)
        ranges = None if filter_frame is None else [(filter_frame, filter_frame)]
        self._cell.remove_dynamic(attribute.feature_node_hash, ranges, value)

    def set_answer_from_list(self, answers_list: Sequence[dict[str, Any]]) -> None:
        """Applies answers in the label-dict format (static and dynamic)."""
        from labelrow.objects._answer_dicts import apply_object_answers

        apply_object_answers(self, answers_list)

    # ---- annotation views -------------------------------------------------------------------------------------

    class Annotation:
        """A view of the object on one frame; reads and writes go to the shared cell."""

        __slots__ = ("_frame", "_object_instance")

        def __init__(self, object_instance: ObjectInstance, frame: int) -> None:
            self._object_instance = object_instance
            self._frame = frame

        @property
        def frame(self) -> int:
            return self._frame

        @property
        def object_instance(self) -> ObjectInstance:
            return self._object_instance

        @property
        def object_hash(self) -> str:
            return self._object_instance.object_hash

        def _meta(self) -> tuple:
            meta = self._object_instance._cell.meta(self._frame)
            if meta is None:
                raise LabelRowError(_NOT_ON_FRAME)
            return meta

        def _set_meta(self, name: str, value: Any) -> None:
            self._meta()
            self._object_instance._cell.set_meta_field(self._frame, name, value)

        @property
        def coordinates(self) -> Coordinates:
            cell = self._object_instance._cell
            built = cell.coordinates_object(self._frame)
            if built is not None:
                return built
            entry = cell.geometry_entry(self._frame)
            if entry is None:
                raise LabelRowError(_NOT_ON_FRAME)
            if "polygons" in entry:  # written by the core: `polygon` is ring 0 of `polygons`, no need to compare
                return PolygonCoordinates.from_polygons_list(entry["polygons"])
            return coordinates_from_frame_geometry(entry)

        @coordinates.setter
        def coordinates(self, coordinates: Coordinates) -> None:
            self._meta()
            self._object_instance.set_for_frames(coordinates, self._frame, overwrite=True)

        created_at = MetaProperty()
        created_by = MetaProperty()
        last_edited_at = MetaProperty()
        last_edited_by = MetaProperty()
        confidence = MetaProperty()
        manual_annotation = MetaProperty()
        is_deleted = MetaProperty(readonly=True)

        @property
        def reviews(self) -> list[dict] | None:
            self._meta()
            return None

        def __repr__(self) -> str:
            return f"Annotation(object_hash={self.object_hash}, frame={self._frame})"


def _is_range_shape(ontology_object: Object) -> bool:
    shape = ontology_object.shape
    return str(getattr(shape, "value", shape)) in _range_objects.RANGE_SHAPES


def _check_object_number(value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise LabelRowError(f"object_number must be a non-negative integer, got {value}.")


def _check_coordinates_type(instance: ObjectInstance, coordinates: Coordinates) -> None:
    acceptable = ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.get(instance.ontology_item.shape, [])
    if type(coordinates) not in acceptable:
        names = ", ".join(c.__name__ for c in acceptable)
        raise LabelRowError(
            f"Expected coordinates of one of the following types: `[{names}]`, but got type `{type(coordinates)}`."
        )


def _geometry_or_error(instance: ObjectInstance, coordinates: Coordinates) -> dict[str, Any]:
    _check_coordinates_type(instance, coordinates)
    return frame_geometry(coordinates)


# The resolved view subclasses `ObjectInstance.Annotation`, so it can only be built once the class exists.
from labelrow.objects._resolved import ResolvedAnnotation as _ResolvedAnnotation  # noqa: E402

ObjectInstance.ResolvedAnnotation = _ResolvedAnnotation
