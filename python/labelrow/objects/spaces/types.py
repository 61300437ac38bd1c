"""Where a space comes from: a data group's child, the row's own layer, or a file of a scene."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labelrow.exceptions import LabelRowError


@dataclass(frozen=True)
class RootSpaceMetadata:
    """Metadata of the space standing for the row's own layer."""

    file_name: str
    layout_key: None = None


@dataclass(frozen=True)
class DataGroupMetadata:
    """Metadata of a space that is a child of a data group."""

    layout_key: str | None
    file_name: str


@dataclass(frozen=True)
class SceneMetadata:
    """Metadata of a space that is a file of a scene."""

    stream_id: str
    event_index: int
    start_frame: int | None
    uri: str
    layout_key: None
    file_name: str


SpaceMetadata = DataGroupMetadata | SceneMetadata | RootSpaceMetadata


def space_metadata(space_id: str, info: dict[str, Any]) -> SpaceMetadata:
    """The metadata of a space from its entry in the row metadata's `spaces`."""
    if space_id == "root" and info.get("root_info") is not None:
        return RootSpaceMetadata(file_name=info["root_info"]["file_name"])
    child = info.get("child_info")
    if child is not None:
        return DataGroupMetadata(layout_key=child["layout_key"], file_name=child["file_name"])
    scene = info.get("scene_info")
    if scene is not None:
        return SceneMetadata(
            stream_id=scene["stream_id"],
            event_index=scene["event_index"],
            start_frame=scene.get("start_frame"),
            uri=scene["uri"],
            layout_key=None,
            file_name=scene["uri"].split("/")[-1],
        )
    raise LabelRowError("SpaceInfo must contain either 'child_info' or 'scene_info' to extract metadata.")
