"""Spaces of data-group and scene rows (`LabelRowV2.get_space`, `get_spaces`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelrow.exceptions import LabelRowError
from labelrow.objects.spaces.base_space import Space
from labelrow.objects.spaces.image_space import ImageSpace
from labelrow.objects.spaces.multiframe_space import MedicalSpace, MultiFrameSpace, PdfSpace, VideoSpace
from labelrow.objects.spaces.point_cloud_space import PointCloudFileSpace
from labelrow.objects.spaces.range_spaces import AudioSpace, HTMLSpace, TextSpace, TimeSeriesSpace
from labelrow.objects.spaces.types import DataGroupMetadata, RootSpaceMetadata, SceneMetadata, SpaceMetadata

if TYPE_CHECKING:
    from labelrow.objects.ontology_labels_impl import LabelRowV2

#: `get_space(type_=...)` literal → the class a space of that type is.
SPACE_CLASSES: dict[str, type[Space]] = {
    "video": VideoSpace,
    "image": ImageSpace,
    "image_sequence": VideoSpace,
    "audio": AudioSpace,
    "time_series": TimeSeriesSpace,
    "text": TextSpace,
    "html": HTMLSpace,
    "medical": MedicalSpace,
    "pdf": PdfSpace,
    "point_cloud": PointCloudFileSpace,
}


def build_space(space_id: str, info: dict[str, Any], row: LabelRowV2) -> Space | None:
    """The space facade of one entry of the row metadata's `spaces` (None for a root layer not modelled)."""
    st = info["space_type"]
    if space_id == "root" and st not in ("image", "time_series"):
        return None
    if st == "video" or st == "image_sequence":
        return VideoSpace(
            space_id, row, info, info["number_of_frames"], info["width"], info["height"], st == "image_sequence"
        )
    if st == "image":
        return ImageSpace(space_id, row, info, info["width"], info["height"])
    if st == "scene_image":
        if "scene_info" not in info:
            raise LabelRowError("Missing 'scene_info' in Scene Image space info.")
        return ImageSpace(space_id, row, info, info.get("width"), info.get("height"))
    if st == "medical_file":
        return MedicalSpace(space_id, row, info, info["number_of_frames"])
    if st == "medical_stack":
        return MedicalSpace(space_id, row, info, len(info["frames"]))
    if st == "pdf":
        return PdfSpace(space_id, row, info, info["number_of_pages"])
    if st == "audio":
        return AudioSpace(space_id, row, info)
    if st == "time_series":
        return TimeSeriesSpace(space_id, row, info)
    if st == "text":
        return TextSpace(space_id, row, info)
    if st == "html":
        return HTMLSpace(space_id, row, info)
    if st == "point_cloud":
        if "scene_info" not in info:
            raise LabelRowError("Missing 'scene_info' in Point Cloud space info.")
        return PointCloudFileSpace(space_id, row, info)
    raise ValueError(f"'{st}' is not a valid SpaceType")


__all__ = [
    "SPACE_CLASSES",
    "AudioSpace",
    "DataGroupMetadata",
    "HTMLSpace",
    "ImageSpace",
    "MedicalSpace",
    "MultiFrameSpace",
    "PdfSpace",
    "PointCloudFileSpace",
    "RootSpaceMetadata",
    "SceneMetadata",
    "Space",
    "SpaceMetadata",
    "TextSpace",
    "TimeSeriesSpace",
    "VideoSpace",
    "build_space",
]
