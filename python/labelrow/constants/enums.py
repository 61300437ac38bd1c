"""String enums describing data and space types (mirrors ``encord.constants.enums``)."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

_E = TypeVar("_E", bound="StringEnum")


class StringEnum(str, Enum):  # noqa: UP042 - str() must stay the member name
    """A ``str``-valued enum: ``str()`` gives the member name, ``from_string`` a lenient lookup."""

    def __str__(self) -> str:
        return self.name

    def __format__(self, format_spec: str) -> str:
        return format(self.name, format_spec)

    @classmethod
    def from_string(cls: type[_E], value: Any) -> _E | None:
        """The member whose value is ``value``, or ``None``."""
        return cls._value2member_map_.get(value)  # type: ignore[return-value]


class DataType(StringEnum):
    """Kind of media a label row annotates."""

    VIDEO = "video"
    IMG_GROUP = "img_group"
    DICOM = "dicom"
    IMAGE = "image"
    DICOM_STUDY = "dicom_study"
    NIFTI = "nifti"
    AUDIO = "audio"
    TIME_SERIES = "time_series"
    PLAIN_TEXT = "plain_text"
    PDF = "pdf"
    GROUP = "group"
    SCENE = "scene"
    MISSING_DATA_TYPE = "_MISSING_DATA_TYPE_"

    @classmethod
    def _missing_(cls, value: Any) -> DataType:
        return cls.MISSING_DATA_TYPE

    @staticmethod
    def from_upper_case_string(string: str) -> DataType:
        """Look a member up by its upper-cased value (``"IMG_GROUP"``); unknown → ``MISSING_DATA_TYPE``."""
        for member in DataType:
            if member.to_upper_case_string() == string:
                return member
        return DataType.MISSING_DATA_TYPE

    def to_upper_case_string(self) -> str:
        """The value in upper case (the server's spelling)."""
        return self.value.upper()


class SpaceType(StringEnum):
    """Kind of a data-group space."""

    VIDEO = "video"
    IMAGE = "image"
    IMAGE_SEQUENCE = "image_sequence"
    AUDIO = "audio"
    TIME_SERIES = "time_series"
    TEXT = "text"
    HTML = "html"
    MEDICAL_FILE = "medical_file"
    MEDICAL_STACK = "medical_stack"
    SCENE_IMAGE = "scene_image"
    POINT_CLOUD = "point_cloud"
    PDF = "pdf"


GEOMETRIC_TYPES: set[DataType] = {
    DataType.VIDEO,
    DataType.IMAGE,
    DataType.IMG_GROUP,
    DataType.DICOM,
    DataType.DICOM_STUDY,
    DataType.NIFTI,
    DataType.PDF,
    DataType.GROUP,
    DataType.SCENE,
}

DATA_TYPES_WITH_UNKNOWN_LAST_FRAME: set[DataType] = {DataType.DICOM, DataType.SCENE}


def is_geometric(data_type: DataType) -> bool:
    """Whether labels on this data type carry geometry (as opposed to ranges)."""
    return data_type in GEOMETRIC_TYPES


__all__ = [
    "DATA_TYPES_WITH_UNKNOWN_LAST_FRAME",
    "GEOMETRIC_TYPES",
    "DataType",
    "SpaceType",
    "StringEnum",
    "is_geometric",
]
