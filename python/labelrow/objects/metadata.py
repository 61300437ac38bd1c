"""DICOM and data-group metadata records attached to label rows (mirrors ``encord.objects.metadata``)."""

from __future__ import annotations

import warnings

from pydantic import Field

from labelrow.orm.storage import BaseDTO


class DICOMSeriesMetadata(BaseDTO):
    """Identity of a DICOM series (unit-level ``metadata`` of a dicom data unit)."""

    patient_id: str | None
    study_uid: str
    series_uid: str


class DICOMSliceMetadata(BaseDTO):
    """Per-frame DICOM facts (frame-level ``metadata`` of a multi-frame data unit)."""

    dicom_instance_uid: str
    multiframe_frame_number: int | None
    file_uri: str
    width: int
    height: int


class DataGroupChildMetadata(BaseDTO):
    """One member of a data group."""

    data_hash: str
    label_hash: str | None
    name: str
    layout_key: str


class DataGroupMetadata(BaseDTO):
    """The members of a data group."""

    children_: list[DataGroupChildMetadata] = Field(alias="children")

    @property
    def children(self) -> list[DataGroupChildMetadata]:
        """Deprecated accessor of the members."""
        warnings.warn(
            "children is deprecated since version 0.1.195, use LabelRowV2.get_spaces instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.children_


__all__ = ["DICOMSeriesMetadata", "DICOMSliceMetadata", "DataGroupChildMetadata", "DataGroupMetadata"]
