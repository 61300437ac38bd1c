"""The space half of `LabelRowV2`: the spaces its metadata declares, `get_spaces` / `get_space`, and the one
Python instance per space-held object or classification."""

from __future__ import annotations

from typing import Any

from labelrow import _core
from labelrow.exceptions import LabelRowError
from labelrow.objects.classification_instance import ClassificationInstance
from labelrow.objects.ontology_object_instance import ObjectInstance
from labelrow.objects.spaces import SPACE_CLASSES, ImageSpace, PointCloudFileSpace, Space, build_space
from labelrow.objects.spaces.types import SceneMetadata


class RowSpacesMixin:
    """Spaces of a label row. The host provides `_metadata`, `_element` and `_require_labels`."""

    _metadata: Any

    def _element(self, feature_hash: str) -> Any:
        raise NotImplementedError

    def _require_labels(self) -> Any:
        raise NotImplementedError

    def _init_spaces(self) -> None:
        self._layout_key_to_space_id: dict[str, str] = {}
        self._space_map: dict[str, Space] = {}
        self._space_objects: dict[str, ObjectInstance] = {}
        self._space_classifications: dict[str, ClassificationInstance] = {}
        # Spaces a self-contained (MCAP) scene's labels took on trust: replaced on every load.
        self._mcap_space_ids: list[str] = []
        self._mcap_trust = False
        for space_id, info in (self._metadata.spaces or {}).items():
            child = info.get("child_info") if space_id != "root" else None
            if child is not None:
                self._layout_key_to_space_id[child["layout_key"]] = space_id
            space = build_space(space_id, info, self)  # type: ignore[arg-type]
            if space is not None:
                self._space_map[space_id] = space

    def _reset_space_instances(self) -> None:
        self._space_objects = {}
        self._space_classifications = {}
        for space_id in self._mcap_space_ids:
            self._space_map.pop(space_id, None)
        self._mcap_space_ids = []
        store = self._require_labels()
        self._mcap_trust = _core.mcap_trust(store)
        if self._mcap_trust:
            for space_id, info in _core.mcap_spaces(store):
                self._add_mcap_space(space_id, info)

    def _add_mcap_space(self, space_id: str, info: dict[str, Any]) -> Space | None:
        space = build_space(space_id, info, self)  # type: ignore[arg-type]
        if space is not None:
            self._space_map[space_id] = space
            self._mcap_space_ids.append(space_id)
        return space

    # ---- one Python instance per cell -------------------------------------------------------------------------

    def _space_object(self, cell: Any) -> ObjectInstance:
        inst = self._space_objects.get(cell.object_hash)
        if inst is None or not inst._cell.same_cell(cell):
            inst = ObjectInstance._from_cell(self._element(cell.feature_hash), cell, None)
            self._space_objects[cell.object_hash] = inst
        inst._space_host = self
        return inst

    def _space_classification(self, cell: Any) -> ClassificationInstance:
        inst = self._space_classifications.get(cell.classification_hash)
        if inst is None or not inst._cell.same_cell(cell):
            inst = ClassificationInstance._from_cell(self._element(cell.feature_hash), cell, None)
            self._space_classifications[cell.classification_hash] = inst
        return inst

    def _remember_space_object(self, inst: ObjectInstance) -> None:
        self._space_objects[inst.object_hash] = inst
        inst._space_host = self

    def _remember_space_classification(self, inst: ClassificationInstance) -> None:
        self._space_classifications[inst.classification_hash] = inst

    # ---- lookups ----------------------------------------------------------------------------------------------

    def get_spaces(self) -> list[Space]:
        """Every space of the row, in the order the row metadata declares them."""
        return list(self._space_map.values())

    def get_space(
        self,
        *,
        id: str | None = None,
        layout_key: str | None = None,
        type_: str,
        stream_id: str | None = None,
        event_index: int = 0,
        start_frame: int | None = None,
        file_name: str | None = None,
    ) -> Any:
        """The space with this id (or layout key, scene stream/event, file name) and of this type."""
        if id is not None and layout_key is not None:
            raise LabelRowError("Only one of id and layout_key can be specified.")
        expected = SPACE_CLASSES.get(type_)
        if expected is None:
            raise LabelRowError(f"Missing space class for space type {type_}")
        space: Space | None = None
        if id is not None:
            space = self._space_map.get(id)
        if space is None and id is not None and self._mcap_trust and type_ in ("point_cloud", "time_series"):
            # A self-contained scene takes a caller's point-cloud or channel id on trust.
            info = _core.mcap_add_space(self._require_labels(), id, type_)
            if info is not None:
                space = self._add_mcap_space(id, info)
        if space is None and layout_key is not None:
            sid = self._layout_key_to_space_id.get(layout_key)
            if sid is not None:
                space = self._space_map[sid]
        if stream_id is not None:
            space = None
            for s in self._space_map.values():
                m = s.metadata
                if (
                    isinstance(s, expected)
                    and isinstance(s, ImageSpace | PointCloudFileSpace)
                    and isinstance(m, SceneMetadata)
                    and m.stream_id == stream_id
                    and (m.start_frame == start_frame if start_frame is not None else m.event_index == event_index)
                ):
                    space = s
                    break
            if space is None:
                if start_frame is not None:
                    raise LabelRowError(
                        f"Could not find space with given stream_id '{stream_id}' and start_frame '{start_frame}'."
                    )
                raise LabelRowError(
                    f"Could not find space with given stream_id '{stream_id}' and event_index '{event_index}'."
                )
        if file_name is not None:
            space = None
            for s in self._space_map.values():
                if (
                    isinstance(s, expected)
                    and isinstance(s, ImageSpace | PointCloudFileSpace)
                    and s.metadata.file_name == file_name
                ):
                    space = s
                    break
            if space is None:
                raise LabelRowError(f"Could not find space with given file_name '{file_name}'.")
        if space is None:
            message = ""
            if id is not None:
                message = f"Could not find space with given id '{id}'. Available space ids: {list(self._space_map)}"
            elif layout_key is not None:
                message = (
                    f"Could not find space with given layout key '{layout_key}'. "
                    f"Available layout keys: {list(self._layout_key_to_space_id)}"
                )
            raise LabelRowError(message)
        if not isinstance(space, expected):
            which = "id" if id is not None else "layout_key"
            ident = id if id is not None else layout_key
            raise LabelRowError(
                f"Space with {which} '{ident}' is not of expected type '{type_}'. "
                f"Found {type(space).__name__} instead of {expected.__name__}."
            )
        return space
