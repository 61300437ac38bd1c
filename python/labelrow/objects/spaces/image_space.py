"""`ImageSpace`: a single image of a data group (or the row's own layer, or an image of a scene)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from labelrow.objects.spaces.base_space import WholeSpaceClassificationsSpace, meta_args

if TYPE_CHECKING:
    from labelrow.objects.coordinates import Coordinates
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import ObjectInstance


class ImageSpace(WholeSpaceClassificationsSpace):
    """Objects and classifications on one image; classifications always cover the whole image."""

    def __init__(
        self,
        space_id: str,
        label_row: LabelRowV2,
        space_info: dict[str, Any],
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        super().__init__(space_id, label_row, space_info)
        self._width = width
        self._height = height

    def _rle_dimensions(self, frames: list[int]) -> tuple[int | None, int | None]:
        return self._width, self._height

    def put_object_instance(
        self,
        object_instance: ObjectInstance,
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
        """Places `object_instance` on the image (`on_overlap="replace"` to overwrite its annotation)."""
        meta = meta_args(created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation)
        self._put_object(object_instance, [0], coordinates, on_overlap, meta)

    def remove_object_instance(self, object_hash: str) -> ObjectInstance | None:
        """Removes an object from the image; returns it (KeyError when the image does not hold it)."""
        return self._remove_object(object_hash, None)
