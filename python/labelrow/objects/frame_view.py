"""Frame views and frame metadata of a label row (`LabelRowV2.FrameView`, `LabelRowV2.FrameViewMetadata`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow.constants.enums import DataType
from labelrow.exceptions import LabelRowError, LabelRowKeyError
from labelrow.objects import _medical
from labelrow.objects.metadata import DICOMSliceMetadata

if TYPE_CHECKING:
    from labelrow.objects.classification import Classification
    from labelrow.objects.classification_instance import ClassificationInstance
    from labelrow.objects.coordinates import Coordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object import Object
    from labelrow.objects.ontology_object_instance import ObjectInstance


@dataclass(frozen=True)
class FrameLevelImageGroupData:
    image_hash: str
    image_title: str
    file_type: str
    frame_number: int
    width: int
    height: int
    data_link: str | None = None


@dataclass(frozen=True)
class LabelRowReadOnlyDataImagesDataEntry:
    index: int
    title: str
    file_type: str
    height: int
    width: int
    image_hash: str


class FrameViewMetadata:
    """Metadata of one frame (image) of a label row."""

    def __init__(self, images_data: LabelRowReadOnlyDataImagesDataEntry) -> None:
        self._image_data = images_data

    @property
    def image_hash(self) -> str:
        return self._image_data.image_hash

    @property
    def title(self) -> str:
        return self._image_data.title

    @property
    def file_type(self) -> str:
        return self._image_data.file_type

    @property
    def frame_number(self) -> int:
        return self._image_data.index

    @property
    def width(self) -> int:
        return self._image_data.width

    @property
    def height(self) -> int:
        return self._image_data.height


_IMAGE_TYPES = (DataType.IMAGE, DataType.IMG_GROUP)


class FrameView:
    """The objects and classifications of one frame, and that frame's media facts."""

    def __init__(self, label_row: LabelRowV2, label_row_read_only_data: Any, frame: int) -> None:
        self._label_row = label_row
        self._frame = frame

    @property
    def frame(self) -> int:
        return self._frame

    def _unit(self) -> dict[str, Any]:
        if self._label_row.data_type not in _IMAGE_TYPES:
            raise LabelRowError("Image hash can only be retrieved for DataType.IMAGE or DataType.IMG_GROUP")
        unit = self._label_row._units_by_frame().get(self._frame)
        if unit is None:
            raise LabelRowKeyError(f"no image on frame {self._frame}")
        return unit

    @property
    def image_hash(self) -> str:
        return self._unit()["data_hash"]

    @property
    def image_title(self) -> str:
        return self._unit()["data_title"]

    @property
    def file_type(self) -> str:
        return self._unit()["data_type"]

    @property
    def data_link(self) -> str | None:
        return self._unit().get("data_link")

    def _size(self, key: str) -> int:
        row = self._label_row
        if row.data_type == DataType.IMG_GROUP:
            unit = row._units_by_frame().get(self._frame)
            if unit is None:
                raise LabelRowKeyError(f"no image on frame {self._frame}")
            return unit[key]
        return _medical.frame_size(row, self._frame, key)

    @property
    def width(self) -> int:
        return self._size("width")

    @property
    def height(self) -> int:
        return self._size("height")

    @property
    def metadata(self) -> DICOMSliceMetadata | None:
        """The DICOM slice metadata this frame was given in the label dict (any multi-frame row), else None."""
        return _medical.slice_metadata(self._label_row, self._frame)

    def add_object_instance(
        self,
        object_instance: ObjectInstance,
        coordinates: Coordinates,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
        confidence: float | None = None,
        manual_annotation: bool | None = None,
    ) -> None:
        row = self._label_row
        if row._event_based:
            raise LabelRowError(
                "`FrameView.add_object_instance` is not allowed on an event-based label row. Add the object with "
                "`LabelRowV2.add_object_instance` and write its keyframes with `ObjectInstance.upsert_event`."
            )
        parent = object_instance.is_assigned_to_label_row()
        if parent is not None and parent is not row:
            raise LabelRowError(
                "This object instance is already assigned to a different label row. You can not add it to multiple "
                "label rows."
            )
        object_instance.set_for_frames(
            coordinates,
            self._frame,
            overwrite=overwrite,
            created_at=created_at,
            created_by=created_by,
            last_edited_at=last_edited_at,
            last_edited_by=last_edited_by,
            confidence=confidence,
            manual_annotation=manual_annotation,
        )
        if parent is None:
            row.add_object_instance(object_instance)

    def add_classification_instance(
        self,
        classification_instance: ClassificationInstance,
        *,
        overwrite: bool = False,
        created_at: datetime | None = None,
        created_by: str | None = None,
        confidence: float = 1.0,
        manual_annotation: bool = True,
        last_edited_at: datetime | None = None,
        last_edited_by: str | None = None,
    ) -> None:
        row = self._label_row
        parent = classification_instance._parent
        if parent is not None:
            raise LabelRowError(
                "This classification instance is already assigned to a different label row. It cannot be added to "
                "multiple label rows at once."
            )
        classification_instance.set_for_frames(
            self._frame,
            overwrite=overwrite,
            created_at=created_at,
            created_by=created_by,
            confidence=confidence,
            manual_annotation=manual_annotation,
            last_edited_at=last_edited_at,
            last_edited_by=last_edited_by,
        )
        if parent is None:
            row.add_classification_instance(classification_instance)

    def get_object_instances(self, filter_ontology_object: Object | None = None) -> list[ObjectInstance]:
        return self._label_row.get_object_instances(
            filter_ontology_object=filter_ontology_object, filter_frames=self._frame
        )

    def get_classification_instances(
        self, filter_ontology_classification: Classification | None = None
    ) -> list[ClassificationInstance]:
        return self._label_row.get_classification_instances(
            filter_ontology_classification=filter_ontology_classification, filter_frames=self._frame
        )

    def __repr__(self) -> str:
        return f"FrameView(frame={self._frame})"
