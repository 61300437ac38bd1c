"""Page- and slice-based rows (DICOM, NIfTI, PDF): the metadata records read from the dict, frame sizes, and the
detached units of a PDF.

The records are validated and held in Rust (`Row.series_metadata` / `Row.slice_metadata`); the pydantic models
are built on first access and kept for the life of the loaded labels, so repeated reads return the same object
(as the reference's stored records are)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelrow.constants.enums import DataType
from labelrow.exceptions import LabelRowError
from labelrow.objects.metadata import DICOMSeriesMetadata, DICOMSliceMetadata

if TYPE_CHECKING:
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.orm.storage import CustomerProvidedPdfMetadata

_ZERO_UUID = "00000000-0000-0000-0000-000000000000"
_MISSING = object()


class _Records:
    """The records of one loaded store."""

    __slots__ = ("series", "slices", "store")

    def __init__(self, store: Any) -> None:
        self.store = store
        self.series: Any = _MISSING
        self.slices: dict[int, DICOMSliceMetadata | None] = {}


def _records(row: LabelRowV2) -> _Records:
    store = row._require_labels()
    cached: _Records | None = row.__dict__.get("_medical_records")
    if cached is None or cached.store is not store:
        cached = _Records(store)
        row.__dict__["_medical_records"] = cached
    return cached


def series_metadata(row: LabelRowV2) -> DICOMSeriesMetadata | None:
    """`LabelRowV2.metadata`: the series metadata of a DICOM row's unit, else None."""
    rec = _records(row)
    if rec.series is _MISSING:
        raw = rec.store.series_metadata()
        rec.series = None if raw is None else DICOMSeriesMetadata.model_construct(**raw)
    return rec.series  # type: ignore[no-any-return]


def slice_metadata(row: LabelRowV2, frame: int) -> DICOMSliceMetadata | None:
    """`FrameView.metadata`: the slice metadata a frame of a multi-frame row was given, else None."""
    rec = _records(row)
    if frame not in rec.slices:
        raw = rec.store.slice_metadata(frame) if isinstance(frame, int) else None
        rec.slices[frame] = None if raw is None else DICOMSliceMetadata.model_construct(**raw)
    return rec.slices[frame]


def frame_size(row: LabelRowV2, frame: int, key: str) -> int:
    """`FrameView.width` / `height` of a non-image-group row: a DICOM slice's own size first, then the row's."""
    if row.data_type == DataType.DICOM and row._store is not None:
        meta = slice_metadata(row, frame)
        if meta is not None:
            return int(getattr(meta, key))
    value = getattr(row, key)
    if value is None:
        raise LabelRowError(f"{key.capitalize()} is expected but not set for the data type {row.data_type}")
    return value  # type: ignore[no-any-return]


def pdf_units(media: CustomerProvidedPdfMetadata) -> tuple[dict[str, Any], DataType, dict[str, Any]]:
    """The initial unit, data type and metadata fields of a detached PDF row."""
    unit = {
        "data_hash": _ZERO_UUID,
        "data_title": "",
        "data_link": "",
        "data_type": "application/pdf",
        "data_sequence": 0,
        "labels": {},
    }
    fields: dict[str, Any] = {
        "frames_per_second": None,
        "number_of_frames": media.num_pages,
        "duration": None,
        "height": None,
        "width": None,
        "audio_sample_rate": None,
        "audio_codec": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
        "file_type": "application/pdf",
    }
    return {_ZERO_UUID: unit}, DataType.PDF, fields
