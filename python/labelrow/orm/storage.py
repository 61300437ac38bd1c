"""Customer-provided media metadata models and storage enums (mirrors parts of ``encord.orm.storage``)."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from labelrow.exceptions import EncordException

_T = TypeVar("_T", bound="BaseDTO")


def snake_to_camel(name: str) -> str:
    """``file_size`` → ``fileSize``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _plain(value: Any) -> Any:
    """Replace enum members by their values, recursively."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class BaseDTO(BaseModel):
    """Pydantic base: camelCase aliases (snake names accepted too), unknown fields ignored."""

    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, alias_generator=snake_to_camel, protected_namespaces=()
    )

    @classmethod
    def from_dict(cls: type[_T], d: dict[str, Any]) -> _T:
        """Validate ``d``; a validation failure becomes an ``EncordException``."""
        try:
            return cls.model_validate(d)
        except ValidationError as e:
            raise EncordException(message=str(e)) from e

    def to_dict(self, by_alias: bool = True, exclude_none: bool = True) -> dict[str, Any]:
        """Plain dict of the fields (camelCase keys by default, ``None`` values dropped)."""
        return _plain(self.model_dump(by_alias=by_alias, exclude_none=exclude_none))


class CamelStrEnum(str, Enum):  # noqa: UP042 - keep Enum str()/format()
    """A ``str`` enum whose values are camelCase."""


class StorageItemType(CamelStrEnum):
    """Kind of a storage item."""

    VIDEO = "video"
    IMAGE = "image"
    GROUP = "group"
    IMAGE_GROUP = "imageGroup"
    IMAGE_SEQUENCE = "imageSequence"
    DICOM_FILE = "dicomFile"
    DICOM_SERIES = "dicomSeries"
    AUDIO = "audio"
    TIMESERIES = "timeseries"
    NIFTI = "nifti"
    PLAIN_TEXT = "plainText"
    PDF = "pdf"
    SCENE = "scene"


class CustomerProvidedImageMetadata(BaseDTO):
    """Media facts of an image, supplied by the caller."""

    mime_type: str
    file_size: int
    height: int
    width: int


class CustomerProvidedVideoMetadata(BaseDTO):
    """Media facts of a video (``fps`` frames per second, ``duration`` in seconds)."""

    fps: float
    duration: float
    width: int
    height: int
    file_size: int
    mime_type: str


class CustomerProvidedAudioMetadata(BaseDTO):
    """Media facts of an audio file (``duration`` in seconds, ``sample_rate`` in Hz)."""

    duration: float
    file_size: int
    mime_type: str
    sample_rate: int
    bit_depth: int
    codec: str
    num_channels: int


class CustomerProvidedTextMetadata(BaseDTO):
    """Media facts of a text (plain, HTML, JSON ...) file."""

    file_size: int
    mime_type: str


class CustomerProvidedPdfMetadata(BaseDTO):
    """Media facts of a PDF."""

    file_size: int
    num_pages: int


__all__ = [
    "BaseDTO",
    "CamelStrEnum",
    "CustomerProvidedAudioMetadata",
    "CustomerProvidedImageMetadata",
    "CustomerProvidedPdfMetadata",
    "CustomerProvidedTextMetadata",
    "CustomerProvidedVideoMetadata",
    "StorageItemType",
    "snake_to_camel",
]
