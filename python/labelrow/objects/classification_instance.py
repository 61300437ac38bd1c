"""`ClassificationInstance`: one answer to an ontology classification over a set of frames (or ranges),
held in a Rust cell shared with the label row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow._util import compiled_for_element, short_uuid_str, to_epoch
from labelrow.exceptions import LabelRowError, LabelRowKeyError, LabelRowRuntimeError, LabelRowValueError
from labelrow.objects._attribute_tree import decode_answer, encode_answer, infer_attribute, reachable, tree_of
from labelrow.objects._meta import MetaProperty
from labelrow.objects.attributes import Attribute
from labelrow.objects.frames import Frames, Range, Ranges, frames_class_to_frames_list, frames_to_ranges

if TYPE_CHECKING:
    from labelrow.objects.classification import Classification
    from labelrow.objects.ontology_labels_impl import LabelRowV2


def range_filter_pairs(frames: Any) -> list[tuple[int, int]]:
    """Frames as a classification range filter reads them (`is_on_frame`, `filter_frames`): an int, a Range, a
    set, or a list of ints or of Ranges; a list of anything else matches nothing."""
    if isinstance(frames, int):
        return [(int(frames), int(frames))]
    if isinstance(frames, Range):
        if frames.start > frames.end:
            raise LabelRowValueError(f"Start of range {frames.start} must not be greater than end {frames.end}.")
        return [(frames.start, frames.end)]
    if isinstance(frames, set | list):
        items = list(frames)
        if all(isinstance(f, int) for f in items):
            return [(r.start, r.end) for r in frames_to_ranges(sorted({int(f) for f in items}))]
        if isinstance(frames, list) and all(isinstance(f, Range) for f in items):
            return [pair for r in items for pair in range_filter_pairs(r)]
        return []
    raise LabelRowRuntimeError(f"Unexpected type for frames {type(frames)}.")


def frames_arg_to_pairs(frames: Frames) -> list[tuple[int, int]]:
    """Frames read as a frame list (a reversed Range selects nothing; sets and tuples are refused), as pairs."""
    return [(r.start, r.end) for r in frames_to_ranges(frames_class_to_frames_list(frames))]


class ClassificationInstance:
    """An instance of an ontology classification, with instance-level metadata and static answers."""

    __slots__ = ("__weakref__", "_cell", "_ontology_classification", "_parent")

    def __init__(
        self,
        ontology_classification: Classification,
        *,
        classification_hash: str | None = None,
        range_only: bool = False,
    ) -> None:
        compiled = compiled_for_element(ontology_classification, "classifications")
        self._ontology_classification = ontology_classification
        self._cell = _core.ClassificationCell(
            compiled, ontology_classification.feature_node_hash, classification_hash or short_uuid_str(), range_only
        )
        self._parent: LabelRowV2 | None = None

    @classmethod
    def _from_cell(cls, ontology_classification: Classification, cell: Any, parent: Any) -> ClassificationInstance:
        self = cls.__new__(cls)
        self._ontology_classification = ontology_classification
        self._cell = cell
        self._parent = parent
        return self

    # ---- identity ---------------------------------------------------------------------------------------------

    @property
    def classification_hash(self) -> str:
        return self._cell.classification_hash

    @classification_hash.setter
    def classification_hash(self, value: str) -> None:
        raise LabelRowError("Cannot set the object hash on an instantiated label object.")

    @property
    def ontology_item(self) -> Classification:
        return self._ontology_classification

    @property
    def feature_hash(self) -> str:
        return self._ontology_classification.feature_node_hash

    @property
    def classification_name(self) -> str:
        return self._ontology_classification.attributes[0].name

    def is_global(self) -> bool:
        return self._cell.is_global

    def is_range_only(self) -> bool:
        if self._cell.range_only:
            return True
        return self._parent is not None and self._parent._is_range_based()

    def is_assigned_to_label_row(self) -> bool:
        return self._parent is not None

    def __repr__(self) -> str:
        return (
            f"ClassificationInstance(classification_hash={self.classification_hash}, "
            f"classification_name={self.classification_name}, feature_hash={self.feature_hash})"
        )

    # ---- instance metadata ------------------------------------------------------------------------------------

    def _meta(self) -> tuple:
        return self._cell.meta()

    def _set_meta(self, name: str, value: Any) -> None:
        self._cell.set_meta_field(name, value)

    created_at = MetaProperty()
    created_by = MetaProperty()
    last_edited_at = MetaProperty()
    last_edited_by = MetaProperty()
    confidence = MetaProperty()
    manual_annotation = MetaProperty()

    # ---- frames -----------------------------------------------------------------------------------------------

    def _row_order(self) -> int | None:
        if self._parent is None or self._parent._store is None:
            return None
        return self._parent._store.order_of_classification_cell(self._cell)

    def set_for_frames(
        self,
        frames: Frames = 0,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        confidence: float = 1.0,
        manual_annotation: bool = True,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        reviews: list[dict] | None = None,
    ) -> None:
        """Adds frames (ranges are merged) and rewrites the instance metadata."""
        # The reference rewrites the instance metadata before it reads the frames, even when the call fails.
        self._cell.rewrite_meta(
            to_epoch(created_at), created_by, confidence, manual_annotation, to_epoch(last_edited_at), last_edited_by
        )
        # Range-only and attached instances read frames as ranges (a reversed Range is an error, a set is
        # accepted); unattached frame-based ones as a frame list (a reversed Range selects nothing).
        order = self._row_order()
        if self.is_range_only():
            pairs = range_filter_pairs(frames)
        elif order is not None:
            if isinstance(frames, set):
                raise LabelRowRuntimeError("Unexpected type for frames.")
            pairs = range_filter_pairs(frames)
        else:
            pairs = frames_arg_to_pairs(frames)
        if order is not None and self._parent is not None:
            self._parent._store.classification_set_frames(order, pairs, overwrite)
            return
        if self._parent is not None and self._parent._store is not None and not overwrite:
            # An instance that still points at a row without being on it (replaced with force=True) is checked
            # against what the row holds for its ontology classification, as in the reference.
            store = self._parent._store
            claimed = store.claimed_ranges(self.feature_hash)
            # A global classification is present while the row lists an instance of it, frames or not.
            if self.is_global() and (claimed or store.filter_classifications(self.feature_hash, None)):
                raise LabelRowError(
                    f"The classification '{self.classification_hash}' already exists globally."
                    "Set 'overwrite' parameter to True to override."
                )
            overlap = [(s, e) for s, e in claimed for ws, we in pairs if s <= we and ws <= e]
            if overlap and not self.is_global():
                raise LabelRowError(
                    f"The classification '{self.classification_hash}' already exists on the ranges "
                    f"{[Range(s, e) for s, e in overlap]}. Set 'overwrite' parameter to True to override."
                )
        self._cell.add_ranges_detached(pairs, overwrite)

    def remove_from_frames(self, frames: Frames) -> None:
        pairs = range_filter_pairs(frames)
        if not self.is_range_only():
            on = self.is_on_frame
            missing = next((f for s, e in pairs for f in range(s, e + 1) if not on(f)), None)
            if missing is not None:
                raise LabelRowKeyError(str(missing))
        order = self._row_order()
        if order is not None and self._parent is not None:
            self._parent._store.classification_remove_frames(order, pairs)
        else:
            self._cell.remove_ranges(pairs)

    @property
    def range_list(self) -> Ranges:
        return [Range(s, e) for s, e in self._cell.ranges()]

    def is_on_frame(self, frame: Frames) -> bool:
        wanted = range_filter_pairs(frame)
        return any(s <= we and ws <= e for s, e in self._cell.ranges() for ws, we in wanted)

    def get_annotation(self, frame: int | str = 0) -> Annotation:
        if self.is_global():
            raise LabelRowError("Cannot get annotation for a global classification instance.")
        if isinstance(frame, str):
            if self._parent is None:
                raise LabelRowError("Cannot get an annotation by image hash for an instance not on a label row.")
            frame = self._parent._frame_of_image_hash(frame)
        if self.is_range_only() and not self.is_on_frame(frame):
            raise LabelRowError(f"The classification instance is not on frame {frame}.")
        return ClassificationInstance.Annotation(self, frame)

    def get_annotations(self) -> list[Annotation]:
        if self.is_range_only():
            return []
        return [ClassificationInstance.Annotation(self, f) for f in self._cell.frames()]

    def is_valid(self) -> None:
        if not self.is_range_only() and not self._cell.ranges():
            raise LabelRowError("ClassificationInstance is not on any frames. Please add it to at least one frame.")

    def copy(self) -> ClassificationInstance:
        return ClassificationInstance._from_cell(self._ontology_classification, self._cell.copy(short_uuid_str()), None)

    # ---- answers ----------------------------------------------------------------------------------------------

    def _selected(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr in tree_of(self._ontology_classification).static_slots:
            got = self._cell.get_static(attr.feature_node_hash)
            if got is not None:
                out[attr.feature_node_hash] = got[0]
        return out

    def set_answer(self, answer: Any, attribute: Attribute | None = None, overwrite: bool = False) -> None:
        tree = tree_of(self._ontology_classification)
        if attribute is None:
            attribute = infer_attribute(tree, answer)
        else:
            if not tree.is_valid_child(attribute):
                raise LabelRowError("The attribute is not a valid child of the classification.")
            attribute = tree.by_hash[attribute.feature_node_hash]
            if not reachable(tree, attribute, self._selected()):
                raise LabelRowError(
                    "Setting a nested attribute is only possible if all parent attributes have been selected."
                )
        if self._cell.get_static(attribute.feature_node_hash) is not None and not overwrite:
            raise LabelRowError(
                "The answer to this attribute was already set. Set `overwrite` to `True` if you want to overwrite "
                "an existing answer to an attribute."
            )
        self._cell.set_static(attribute.feature_node_hash, encode_answer(attribute, answer))

    def get_answer(self, attribute: Attribute | None = None) -> Any:
        tree = tree_of(self._ontology_classification)
        if attribute is None:
            attribute = self._ontology_classification.attributes[0]
        if not tree.is_valid_child(attribute):
            raise LabelRowError("The attribute is not a valid child of the classification.")
        attribute = tree.by_hash[attribute.feature_node_hash]
        if not reachable(tree, attribute, self._selected()):
            return None
        got = self._cell.get_static(attribute.feature_node_hash)
        return None if got is None else decode_answer(tree, attribute, got[0])

    def delete_answer(self, attribute: Attribute | None = None) -> None:
        tree = tree_of(self._ontology_classification)
        if attribute is None:
            attribute = self._ontology_classification.attributes[0]
        if not tree.is_valid_child(attribute):
            raise LabelRowError("The attribute is not a valid child of the classification.")
        self._cell.unset_static(attribute.feature_node_hash)

    def get_all_static_answers(self) -> list[tuple[Attribute, Any]]:
        """`(attribute, answer)` for every answered static attribute, in ontology order."""
        tree = tree_of(self._ontology_classification)
        out = []
        for attr in tree.static_slots:
            got = self._cell.get_static(attr.feature_node_hash)
            if got is not None:
                out.append((attr, decode_answer(tree, attr, got[0])))
        return out

    def set_answer_from_list(self, answers_list: Sequence[dict[str, Any]]) -> None:
        from labelrow.objects._answer_dicts import apply_classification_answers

        apply_classification_answers(self, answers_list)

    class Annotation:
        """A view of a frame-based classification on one frame (metadata is the instance's)."""

        __slots__ = ("_classification_instance", "_frame")

        def __init__(self, classification_instance: ClassificationInstance, frame: int) -> None:
            self._classification_instance = classification_instance
            self._frame = frame

        @property
        def frame(self) -> int:
            return self._frame

        @property
        def classification_instance(self) -> ClassificationInstance:
            return self._classification_instance

        @property
        def classification_hash(self) -> str:
            return self._classification_instance.classification_hash

        def _check(self) -> ClassificationInstance:
            ci = self._classification_instance
            if not ci.is_on_frame(self._frame):
                raise LabelRowError(
                    "Trying to use a ClassificationInstance.Annotation for a ClassificationInstance that is not on "
                    "the frame."
                )
            return ci

        def _meta(self) -> tuple:
            return self._check()._meta()

        created_at = MetaProperty(readonly=True)
        created_by = MetaProperty(readonly=True)
        last_edited_at = MetaProperty(readonly=True)
        last_edited_by = MetaProperty(readonly=True)
        confidence = MetaProperty(readonly=True)
        manual_annotation = MetaProperty(readonly=True)

        @property
        def reviews(self) -> list[dict] | None:
            self._check()
            return None
