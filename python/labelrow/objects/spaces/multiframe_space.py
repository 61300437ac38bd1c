"""Frame-based spaces: video and image sequence (`VideoSpace`), DICOM/NIfTI (`MedicalSpace`) and PDF
(`PdfSpace`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow.exceptions import LabelRowError
from labelrow.objects.frames import Frames, frames_class_to_frames_list, frames_class_to_runs
from labelrow.objects.spaces.base_space import Space, meta_args

if TYPE_CHECKING:
    from labelrow.objects.attributes import Attribute
    from labelrow.objects.classification_instance import ClassificationInstance
    from labelrow.objects.coordinates import Coordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import AnswerForFrames, ObjectInstance


class MultiFrameSpace(Space):
    """Objects on frames, classifications on frames (or on the whole space for global ones), dynamic answers."""

    def __init__(self, space_id: str, label_row: LabelRowV2, space_info: dict[str, Any], number_of_frames: int) -> None:
        super().__init__(space_id, label_row, space_info)
        self._number_of_frames = number_of_frames

    def _frame_dimensions(self, frame: int) -> tuple[int | None, int | None]:
        raise NotImplementedError

    def _rle_dimensions(self, frames: list[int]) -> tuple[int | None, int | None]:
        # As the reference: the frames must exist and share one size.
        if not frames:
            raise LabelRowError("Please specify at least one frame for the RLE string bitmask annotation.")
        if min(frames) < 0:
            raise LabelRowError(f"Frame {min(frames)} is invalid. Negative frames are not supported.")
        if max(frames) > self._number_of_frames - 1:
            raise LabelRowError(
                f"Frame {max(frames)} is invalid. The max frame on this file is {self._number_of_frames - 1}."
            )
        size = self._frame_dimensions(frames[0])
        if any(self._frame_dimensions(f) != size for f in frames[1:]):
            raise LabelRowError("RLE string bitmask annotations require all target frames to share dimensions.")
        return size

    def put_object_instance(
        self,
        object_instance: ObjectInstance,
        frames: Frames,
        coordinates: Coordinates | str,
        *,
        on_overlap: str = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places `object_instance` on `frames` with `coordinates` (`on_overlap="replace"` overwrites)."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        self._put_object(object_instance, frames_class_to_frames_list(frames), coordinates, on_overlap, meta)

    def put_classification_instance(
        self,
        classification_instance: ClassificationInstance,
        frames: Frames | None = None,
        *,
        on_overlap: str | None = "error",
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        """Places `classification_instance` on `frames` (global classifications: on the whole space, no frames)."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        frame_list = None if frames is None else frames_class_to_frames_list(frames)
        self._put_classification(classification_instance, frame_list, on_overlap, meta)

    def remove_object_instance(self, object_hash: str, frames: Frames | None = None) -> ObjectInstance | None:
        """Removes an object from `frames` (all frames when None); returns it, or None when not on the space."""
        frame_list = None if frames is None else frames_class_to_frames_list(frames)
        return self._remove_object(object_hash, frame_list)

    def remove_classification_instance(
        self, classification_hash: str, frames: Frames | None = None
    ) -> ClassificationInstance | None:
        """Removes a classification from `frames` (everywhere when None); returns it, or None."""
        frame_list = None if frames is None else frames_class_to_frames_list(frames)
        return self._remove_classification(classification_hash, frame_list)

    # ---- dynamic answers --------------------------------------------------------------------------------------

    def _check_on_space(self, object_instance: ObjectInstance) -> None:
        if self._object_by_hash(object_instance.object_hash) is None:
            raise LabelRowError(
                "Object does not yet exist on this space. Place the object on this space with `Space.place_object`."
            )

    def set_dynamic_answer(
        self,
        object_instance: ObjectInstance,
        frames: Frames,
        answer: Any,
        attribute: Attribute | None = None,
    ) -> None:
        """Sets a dynamic answer on the frames of `frames` where the object is annotated on this space."""
        from labelrow.objects._attribute_tree import infer_attribute, tree_of

        self._check_on_space(object_instance)
        if attribute is None:
            attribute = infer_attribute(tree_of(object_instance.ontology_item), answer)
        if not attribute.dynamic:
            raise LabelRowError("This method should not be called for non-dynamic attributes.")
        on_space = set(self._store().space_object_frames(self.space_id, object_instance.object_hash))
        valid = [f for f in frames_class_to_frames_list(frames) if f in on_space]
        object_instance.set_answer(answer, attribute, frames=valid)

    def remove_dynamic_answer(
        self,
        object_instance: ObjectInstance,
        attribute: Attribute,
        frame: int,
        filter_answer: str | Any | Iterable[Any] | None = None,
    ) -> None:
        """Removes the dynamic answer of `attribute` on `frame` (only `filter_answer` when given)."""
        self._store()
        if not attribute.dynamic:
            raise LabelRowError("This method should not be called for non-dynamic attributes.")
        object_instance.delete_answer(attribute, filter_answer=filter_answer, filter_frame=frame)

    def get_dynamic_answer(
        self,
        object_instance: ObjectInstance,
        frames: Frames,
        attribute: Attribute,
        filter_answer: Any = None,
    ) -> Sequence[AnswerForFrames]:
        """The dynamic answers of `attribute` whose ranges overlap `frames` (ranges not clipped)."""
        self._check_on_space(object_instance)
        if not attribute.dynamic:
            raise LabelRowError("This method should only be used for dynamic attributes.")
        runs = frames_class_to_runs(frames)
        got = object_instance.get_answer(attribute, filter_answer=filter_answer)
        return [a for a in got if any(r.start <= e and s <= r.end for r in a.ranges for s, e in runs)]


class VideoSpace(MultiFrameSpace):
    """A video or image sequence of a data group."""

    def __init__(
        self,
        space_id: str,
        label_row: LabelRowV2,
        space_info: dict[str, Any],
        number_of_frames: int,
        width: int,
        height: int,
        is_image_sequence: bool,
    ) -> None:
        super().__init__(space_id, label_row, space_info, number_of_frames)
        self._width = width
        self._height = height
        self._is_image_sequence = is_image_sequence

    def _frame_dimensions(self, frame: int) -> tuple[int | None, int | None]:
        return self._width, self._height


class MedicalSpace(MultiFrameSpace):
    """A DICOM file or stack, or a NIfTI file, of a data group."""

    def _frame_dimensions(self, frame: int) -> tuple[int | None, int | None]:
        info = self._space_info
        if "frames" in info:  # a stack: each frame has its own size
            frame_info = info["frames"][frame]
            return frame_info.get("width"), frame_info.get("height")
        return info.get("width"), info.get("height")


class PdfSpace(MultiFrameSpace):
    """A PDF of a data group (pages are frames)."""

    def _frame_dimensions(self, frame: int) -> tuple[int | None, int | None]:
        return 0, 0  # a page's size is not known: the reference refuses RLE strings on PDFs so
