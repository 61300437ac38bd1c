"""`LabelRowV2`: the label row facade. Labels live in a Rust store (`labelrow._core.Row`); this class keeps
the reference's API, argument handling and the Python identity of instances (one Python object per object or
classification, created lazily and cached)."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from labelrow import _core
from labelrow._util import date_fallback, from_epoch
from labelrow.constants.enums import DataType
from labelrow.exceptions import LabelRowError, LabelRowKeyError, WrongProjectTypeError
from labelrow.objects import _medical, _row_events
from labelrow.objects._range_objects import check_html_file_type
from labelrow.objects.classification_instance import ClassificationInstance, range_filter_pairs
from labelrow.objects.frame_view import FrameLevelImageGroupData
from labelrow.objects.frame_view import FrameView as _FrameView
from labelrow.objects.frame_view import FrameViewMetadata as _FrameViewMetadata
from labelrow.objects.frame_view import LabelRowReadOnlyDataImagesDataEntry as _ImagesDataEntry
from labelrow.objects.frames import Frames, frames_class_to_runs
from labelrow.objects.metadata import DataGroupMetadata, DICOMSeriesMetadata
from labelrow.objects.ontology_object_instance import ObjectInstance
from labelrow.objects.ontology_structure import OntologyStructure, as_structure
from labelrow.objects.spaces._row_spaces import RowSpacesMixin
from labelrow.orm import storage as orm_storage
from labelrow.orm.label_row import AnnotationTaskStatus, LabelRowMetadata, LabelStatus

if TYPE_CHECKING:
    from labelrow.objects.classification import Classification
    from labelrow.objects.ontology_object import Object

_ZERO_UUID = "00000000-0000-0000-0000-000000000000"
_IMAGE_TYPES = (DataType.IMAGE, DataType.IMG_GROUP)
_RANGE_TYPES = (DataType.AUDIO, DataType.PLAIN_TEXT, DataType.TIME_SERIES)
#: types whose row width/height are the (first) unit's
_SIZED_TYPES = (DataType.VIDEO, DataType.IMAGE, DataType.DICOM, DataType.NIFTI)
_DETACHED = (
    "Cannot '{op}' on a detached label row. Detached label rows are not connected to the Encord platform. "
    "Use to_encord_dict() to export labels."
)


class LabelRowV2(RowSpacesMixin):
    """All labels of one data row, with the reference SDK's API."""

    FrameView = _FrameView
    FrameViewMetadata = _FrameViewMetadata
    FrameLevelImageGroupData = FrameLevelImageGroupData
    LabelRowReadOnlyDataImagesDataEntry = _ImagesDataEntry

    def __init__(self, label_row_metadata: LabelRowMetadata, project_client: Any, ontology: Any) -> None:
        self._metadata = label_row_metadata
        self._project_client = project_client
        self._ontology = ontology
        structure = getattr(ontology, "structure", ontology)
        self._structure: OntologyStructure = as_structure(structure)
        self._compiled: Any = None
        self._store: Any = None
        # Whether the loaded labels are a continuous scene's events (read on every frame-grid call of its objects).
        self._event_based = False
        self._is_detached = False
        self._objects: dict[int, ObjectInstance] = {}
        self._classifications: dict[int, ClassificationInstance] = {}
        # Frame registrations of object hashes that no listed object accounts for: frames of a replaced
        # instance, and frames set on an instance that still points at this row after leaving its list. The
        # reference keeps them in its frame registry; they decide its KeyErrors on later removals.
        self._stray_frames: dict[str, set[int]] = {}
        self._elements: dict[str, Any] = {}
        self._units_cache: dict[int, dict[str, Any]] | None = None
        self._header_cache: dict[str, Any] | None = None
        self._init_spaces()

    # ---- construction -----------------------------------------------------------------------------------------

    @classmethod
    def from_media_metadata(cls, ontology: Any, media_metadata: Any, *, branch_name: str = "main") -> LabelRowV2:
        """A detached, initialised row for media described by `CustomerProvided*Metadata`."""
        units, data_type, meta_fields = _detached_units(media_metadata)
        now = datetime.now(tz=UTC).replace(microsecond=0)
        metadata = LabelRowMetadata(
            label_hash=_ZERO_UUID,
            created_at=now,
            last_edited_at=now,
            branch_name=branch_name,
            data_hash=_ZERO_UUID,
            dataset_hash=_ZERO_UUID,
            dataset_title="",
            data_title="",
            data_type=data_type.to_upper_case_string(),
            data_link=None if data_type == DataType.IMG_GROUP else "",
            label_status=LabelStatus.LABEL_IN_PROGRESS,
            annotation_task_status=AnnotationTaskStatus.QUEUED,
            workflow_graph_node=None,
            is_shadow_data=False,
            spaces={},
            **meta_fields,
        )
        row = cls(metadata, None, ontology)
        row._is_detached = True
        stamp = now.strftime("%a, %d %b %Y %H:%M:%S UTC")
        row.from_labels_dict(
            {
                "label_hash": _ZERO_UUID,
                "branch_name": branch_name,
                "created_at": stamp,
                "last_edited_at": stamp,
                "data_hash": _ZERO_UUID,
                "dataset_hash": _ZERO_UUID,
                "dataset_title": "",
                "data_title": "",
                "data_type": data_type.value,
                "annotation_task_status": "QUEUED",
                "object_answers": {},
                "classification_answers": {},
                "object_actions": {},
                "label_status": "LABEL_IN_PROGRESS",
                "data_units": units,
            }
        )
        return row

    def _compiled_ontology(self) -> Any:
        if self._compiled is None:
            self._compiled = _core.CompiledOntology(self._structure._core_dict())
        return self._compiled

    def _media(self) -> dict[str, Any]:
        m = self._metadata
        return {
            "data_type": DataType.from_upper_case_string(m.data_type).value
            if isinstance(m.data_type, str) and m.data_type.isupper()
            else DataType(m.data_type).value,
            "number_of_frames": m.number_of_frames,
            "fps": m.frames_per_second,
            "duration": m.duration,
            "is_shadow_data": m.is_shadow_data,
            "spaces": m.spaces or {},
        }

    def from_labels_dict(self, label_row_dict: dict, *, preserve_identity: bool = False) -> None:
        """Replaces every label with those of `label_row_dict` (a failed call leaves the row unchanged)."""
        self._load(
            lambda: _core.Row.load(self._compiled_ontology(), self._media(), label_row_dict, date_fallback),
            preserve_identity,
        )

    def from_json(self, data: bytes | str, *, preserve_identity: bool = False) -> None:
        """`from_labels_dict` of label-row JSON (bytes or str), parsed in Rust without building Python objects
        and with the GIL released."""
        self._load(
            lambda: _core.Row.load_json(self._compiled_ontology(), self._media(), data, date_fallback),
            preserve_identity,
        )

    def to_json(self, renumber_objects: bool = False) -> bytes:
        """The label row as JSON bytes, with the same content as `to_encord_dict()`, built in Rust with the GIL
        released."""
        return self._require_labels().to_json(renumber_objects)

    def _load(self, load: Any, preserve_identity: bool) -> None:
        identity = None
        if preserve_identity and self._store is not None:
            h = self._store.header()
            frame_hashes = None
            if self.data_type == DataType.IMG_GROUP:
                frame_hashes = [u["data_hash"] for _, u in sorted(self._store.units(), key=lambda fu: fu[0])]
            identity = (h["label_hash"], h["data_hash"], h["dataset_hash"], h["branch_name"], frame_hashes)
        self._compiled = None
        self._elements = {}
        store = load()
        if identity is not None:
            store.set_identity(*identity)
        self._store = store
        self._event_based = _core.event_based(store)
        self._objects = {}
        self._classifications = {}
        self._stray_frames = {}
        self._units_cache = None
        self._header_cache = None
        self._reset_space_instances()

    # ---- helpers ----------------------------------------------------------------------------------------------

    def _require_labels(self) -> Any:
        if self._store is None:
            raise LabelRowError(
                "For this operation you will need to initialise labelling first. Call the .initialise_labels() "
                "to do so first."
            )
        return self._store

    def _header(self) -> dict[str, Any] | None:
        if self._store is None:
            return None
        if self._header_cache is None:
            self._header_cache = self._store.header()
        return self._header_cache

    def _units_by_frame(self) -> dict[int, dict[str, Any]]:
        if self._units_cache is None:
            self._units_cache = {} if self._store is None else dict(self._store.units())
        return self._units_cache

    def _first_unit(self) -> dict[str, Any] | None:
        units = self._store.units() if self._store is not None else []
        return units[0][1] if units else None

    def _is_range_based(self) -> bool:
        return self.data_type in _RANGE_TYPES

    def _frame_of_image_hash(self, image_hash: str) -> int:
        if self.data_type not in _IMAGE_TYPES:
            raise LabelRowError("This function is only supported for label rows of image or image group data types.")
        for frame, unit in self._units_by_frame().items():
            if unit["data_hash"] == image_hash:
                return frame
        raise LabelRowKeyError(image_hash)

    def _element(self, feature_hash: str) -> Any:
        """The ontology object or classification with a feature hash (instances are only ever of these). A miss
        indexes the structure's top level once (first occurrence wins)."""
        element = self._elements.get(feature_hash)
        if element is None:
            index: dict[str, Any] = {}
            for root in self._structure._roots():
                index.setdefault(root.feature_node_hash, root)
            self._elements = index
            element = index.get(feature_hash)
            if element is None:  # not at the top level: the structure answers (or raises its error)
                element = self._structure.get_child_by_hash(feature_hash)
        return element

    def _object_instance(self, order: int) -> ObjectInstance:
        inst = self._objects.get(order)
        if inst is None:
            cell = self._store.object_cell(order)
            ontology_object = self._element(cell.feature_hash)
            inst = ObjectInstance._from_cell(ontology_object, cell, self)
            self._objects[order] = inst
        return inst

    def _classification_instance(self, order: int) -> ClassificationInstance:
        inst = self._classifications.get(order)
        if inst is None:
            cell = self._store.classification_cell(order)
            ontology_classification = self._element(cell.feature_hash)
            inst = ClassificationInstance._from_cell(ontology_classification, cell, self)
            self._classifications[order] = inst
        return inst

    def _server_op(self, op: str) -> None:
        if self._is_detached:
            raise LabelRowError(_DETACHED.format(op=op))
        if self._project_client is None:
            raise LabelRowError(f"Cannot '{op}': this label row has no project client to talk to.")

    # ---- properties -------------------------------------------------------------------------------------------

    def _from_header(self, key: str, default: Any) -> Any:
        h = self._header()
        return default if h is None else h[key]

    @property
    def label_hash(self) -> str | None:
        return self._from_header("label_hash", self._metadata.label_hash)

    @property
    def branch_name(self) -> str:
        return self._from_header("branch_name", self._metadata.branch_name)

    @property
    def data_hash(self) -> str:
        return self._from_header("data_hash", self._metadata.data_hash)

    @property
    def dataset_hash(self) -> str:
        return self._from_header("dataset_hash", self._metadata.dataset_hash)

    @property
    def dataset_title(self) -> str:
        return self._from_header("dataset_title", self._metadata.dataset_title)

    @property
    def data_title(self) -> str:
        return self._from_header("data_title", self._metadata.data_title)

    @property
    def data_type(self) -> DataType:
        h = self._header()
        if h is not None:
            return DataType(h["data_type"])
        return DataType(self._media()["data_type"])

    @property
    def group_hash(self) -> str | None:
        return self._metadata.group_hash

    @property
    def file_type(self) -> str | None:
        if self._store is None:
            return self._metadata.file_type
        if self.data_type == DataType.IMG_GROUP:
            return None
        unit = self._first_unit()
        return None if unit is None else unit["data_type"]

    @property
    def client_metadata(self) -> dict | None:
        return self._metadata.client_metadata

    @property
    def label_status(self) -> LabelStatus:
        return LabelStatus(self._from_header("label_status", self._metadata.label_status))

    @property
    def annotation_task_status(self) -> Any:
        return self._from_header("annotation_task_status", self._metadata.annotation_task_status)

    @property
    def workflow_graph_node(self) -> Any:
        return self._metadata.workflow_graph_node

    @property
    def is_shadow_data(self) -> bool:
        return self._metadata.is_shadow_data

    @property
    def created_at(self) -> datetime | None:
        h = self._header()
        return self._metadata.created_at if h is None else from_epoch(h["created_at"])

    @property
    def last_edited_at(self) -> datetime | None:
        h = self._header()
        return self._metadata.last_edited_at if h is None else from_epoch(h["last_edited_at"])

    @property
    def number_of_frames(self) -> int:
        return self._metadata.number_of_frames

    @property
    def duration(self) -> float | None:
        return self._metadata.duration

    @property
    def fps(self) -> float | None:
        return self._metadata.frames_per_second

    def _unit_field(self, key: str, default: Any) -> Any:
        if self._store is None:
            return default
        if self.data_type == DataType.IMG_GROUP:
            return None
        unit = self._first_unit()
        return None if unit is None else unit.get(key)

    @property
    def data_link(self) -> str | None:
        if self._store is not None and self.data_type in (DataType.DICOM, DataType.NIFTI):
            return None
        return self._unit_field("data_link", self._metadata.data_link)

    @property
    def width(self) -> int | None:
        if self.data_type not in _SIZED_TYPES:
            return self._metadata.width if self._store is None and self.data_type != DataType.IMG_GROUP else None
        return self._unit_field("width", self._metadata.width)

    @property
    def height(self) -> int | None:
        if self.data_type not in _SIZED_TYPES:
            return self._metadata.height if self._store is None and self.data_type != DataType.IMG_GROUP else None
        return self._unit_field("height", self._metadata.height)

    def _audio_field(self, key: str) -> Any:
        """An audio property: from the metadata until labels are loaded, then from the audio row's data unit."""
        if self._store is None:
            return getattr(self._metadata, key)
        if self.data_type != DataType.AUDIO:
            return None
        unit = self._first_unit()
        return None if unit is None else unit.get(key)

    @property
    def audio_codec(self) -> str | None:
        return self._audio_field("audio_codec")

    @property
    def audio_sample_rate(self) -> int | None:
        return self._audio_field("audio_sample_rate")

    @property
    def audio_bit_depth(self) -> int | None:
        return self._audio_field("audio_bit_depth")

    @property
    def audio_num_channels(self) -> int | None:
        return self._audio_field("audio_num_channels")

    @property
    def backing_item_uuid(self) -> uuid.UUID | None:
        return self._metadata.backing_item_uuid

    @property
    def task_uuid(self) -> uuid.UUID | None:
        if self._metadata.task_uuid is None:
            raise WrongProjectTypeError('"task_uuid" property only works with workflow-based projects.')
        return self._metadata.task_uuid

    @property
    def priority(self) -> float | None:
        if self._metadata.task_uuid is None:
            raise WrongProjectTypeError('"priority" property only works with workflow-based projects.')
        return self._metadata.priority

    @property
    def is_valid(self) -> bool:
        return self._metadata.is_valid

    @property
    def ontology_structure(self) -> OntologyStructure:
        return self._structure

    @property
    def is_labelling_initialised(self) -> bool:
        return self._store is not None

    @property
    def is_detached(self) -> bool:
        return self._is_detached

    @property
    def is_event_based(self) -> bool:
        self._require_labels()
        return self._event_based

    @property
    def assigned_user_email(self) -> str | None:
        return self._metadata.assigned_user_email

    @property
    def last_actioned_by_user_email(self) -> str | None:
        return self._metadata.last_actioned_by_user_email

    @property
    def metadata(self) -> DICOMSeriesMetadata | DataGroupMetadata | None:
        """The DICOM series metadata of a DICOM row, a data group's members (`DataGroupMetadata`) when its data
        unit has them; `None` otherwise."""
        if self.data_type == DataType.GROUP:
            self._require_labels()
            unit = self._first_unit()
            if unit is None or unit.get("metadata") is None:
                return None
            return DataGroupMetadata.from_dict(unit["metadata"])
        return _medical.series_metadata(self)

    # ---- frames -----------------------------------------------------------------------------------------------

    def get_image_hash(self, frame_number: int) -> str | None:
        if self.data_type not in _IMAGE_TYPES:
            raise LabelRowError("This function is only supported for label rows of image or image group data types.")
        unit = self._units_by_frame().get(frame_number)
        return None if unit is None else unit["data_hash"]

    def get_frame_number(self, image_hash: str) -> int | None:
        return self._frame_of_image_hash(image_hash)

    def get_frame_view(self, frame: int | str = 0) -> _FrameView:
        self._require_labels()
        if self.data_type in (DataType.AUDIO, DataType.TIME_SERIES):
            raise LabelRowError(f"This method is not supported for {self.data_type.value}.")
        if isinstance(frame, str):
            frame = self._frame_of_image_hash(frame)
        return _FrameView(self, None, frame)

    def get_frame_views(self) -> list[_FrameView]:
        self._require_labels()
        _row_events.check_not_event_based(
            self,
            "get_frame_views",
            "There is no frame grid to enumerate: the timeline is continuous.",
        )
        return [self.get_frame_view(f) for f in range(self.number_of_frames)]

    def _images_data(self) -> list[_ImagesDataEntry]:
        if self.data_type in (DataType.VIDEO, DataType.IMAGE):
            return [
                _ImagesDataEntry(
                    index=0,
                    title=self.data_title,
                    file_type=self.file_type or "",
                    height=self.height or 0,
                    width=self.width or 0,
                    image_hash=self.data_hash,
                )
            ]
        if not self._metadata.images_data:
            raise LabelRowError("Image data is not present in the label row")
        return [
            _ImagesDataEntry(
                index=e["index"],
                title=e["title"],
                file_type=e["file_type"],
                height=e["height"],
                width=e["width"],
                image_hash=e["image_hash"],
            )
            for e in self._metadata.images_data
        ]

    def get_frame_metadata(self, frame: int | str = 0) -> _FrameViewMetadata:
        if self.data_type in (DataType.AUDIO, DataType.TIME_SERIES):
            raise LabelRowError(f"This method is not supported for {self.data_type.value}.")
        for entry in self._images_data():
            if (isinstance(frame, str) and entry.image_hash == frame) or entry.index == frame:
                return _FrameViewMetadata(entry)
        if isinstance(frame, str):
            raise LabelRowError(f"Image hash {frame} not found in the label row")
        raise LabelRowError(f"Frame {frame} not found in the label row")

    def get_frames_metadata(self) -> list[_FrameViewMetadata]:
        return [_FrameViewMetadata(e) for e in self._images_data()]

    # ---- queries ----------------------------------------------------------------------------------------------

    def get_object_instances(
        self, filter_ontology_object: Object | None = None, filter_frames: Frames | None = None
    ) -> list[ObjectInstance]:
        store = self._require_labels()
        feature = None if filter_ontology_object is None else filter_ontology_object.feature_node_hash
        if filter_frames is not None and self._event_based:
            return _row_events.objects_present(self, feature, filter_frames)
        if filter_frames is None:
            orders = store.filter_objects(feature, None)
        elif isinstance(filter_frames, int) and not isinstance(filter_frames, bool):
            orders = store.objects_on_frame(filter_frames)
            if feature is not None:
                orders = [o for o in orders if store.object_cell(o).feature_hash == feature]
        else:
            orders = store.filter_objects(feature, frames_class_to_runs(filter_frames))
        return [self._object_instance(o) for o in orders]

    def get_classification_instances(
        self, filter_ontology_classification: Classification | None = None, filter_frames: Frames | None = None
    ) -> list[ClassificationInstance]:
        store = self._require_labels()
        feature = None if filter_ontology_classification is None else filter_ontology_classification.feature_node_hash
        if filter_frames is not None:
            # The frames are only read when there is an instance to test them against (as in the reference).
            if not store.filter_classifications(feature, None):
                return []
            pairs = range_filter_pairs(filter_frames)
            return [self._classification_instance(o) for o in store.filter_classifications(feature, pairs)]
        return [self._classification_instance(o) for o in store.filter_classifications(feature, None)]

    def get_annotation_columns(
        self, filter_ontology_object: Object | None = None, filter_frames: Frames | None = None
    ) -> dict[str, Any]:
        """Every geometric annotation (object on a frame) matching the filters, as numpy columns for ML code.

        One row per annotation, frames ascending and objects in row order within a frame:
        ``frames`` (int64), ``object_index`` / ``feature_index`` (uint32, into ``object_hashes`` /
        ``feature_hashes``), ``confidence`` (float64). Per shape, a float64 block and the rows it belongs to:
        ``boxes`` (N x 4: x, y, w, h of the top-left corner) with ``box_rows``; ``rotatable_boxes`` (N x 5: x, y,
        w, h, theta) with ``rotatable_box_rows``; ``points`` (N x 2) with ``point_rows``; ``polygon_vertices``
        (V x 2, the outer ring of each polygon's first part) with ``polygon_offsets`` (polygon ``i`` is
        ``vertices[offsets[i]:offsets[i + 1]]``) and ``polygon_rows``; the same for polylines. The arrays own
        buffers built in Rust, handed to numpy without a copy.
        """
        store = self._require_labels()
        _row_events.check_not_event_based(
            self,
            "get_annotation_columns",
            "The stored entries are keyframes and `delete` markers at nanosecond offsets, not annotations on frames.",
        )
        feature = None if filter_ontology_object is None else filter_ontology_object.feature_node_hash
        pairs = None
        if filter_frames is not None:
            pairs = frames_class_to_runs(filter_frames)
        return store.columns(feature, pairs)

    # ---- edits ------------------------------------------------------------------------------------------------

    def add_object_instance(self, object_instance: ObjectInstance, force: bool = True) -> None:
        if self.data_type in (DataType.AUDIO, DataType.TIME_SERIES) and not object_instance.is_range_only():
            raise LabelRowError(f"This method is not supported for {self.data_type.value}.")
        store = self._require_labels()
        if self._event_based and not object_instance.is_range_only():
            _row_events.check_event_object(object_instance)
        else:
            object_instance.is_valid()
            _row_events.check_no_events(object_instance)
        check_html_file_type(self, object_instance)
        if object_instance._parent is not None:
            raise LabelRowError(
                "The supplied ObjectInstance is already part of a LabelRowV2. You can only add a ObjectInstance to "
                "one LabelRowV2. You can do a ObjectInstance.copy() to create an identical ObjectInstance which is "
                "not part of any LabelRowV2."
            )
        replaced = store.object_order(object_instance.object_hash)
        order = store.add_object(object_instance._cell, force)
        if replaced is not None:
            # The replaced instance keeps pointing at this row, as in the reference, and may still remove the
            # frames it had when it was replaced.
            old = self._objects.pop(replaced, None)
            if old is not None:
                self._stray_frames.setdefault(old.object_hash, set()).update(old._cell.frames())
        object_instance._parent = self
        self._objects[order] = object_instance

    def add_object_instances(self, object_instances: list[ObjectInstance], force: bool = True) -> None:
        """`add_object_instance` for many instances, in order (a labelrow addition for bulk ingestion)."""
        for instance in object_instances:
            self.add_object_instance(instance, force)

    def add_classification_instance(self, classification_instance: ClassificationInstance, force: bool = False) -> None:
        store = self._require_labels()
        classification_instance.is_valid()
        if self._event_based and not classification_instance.is_range_only():
            raise LabelRowError(
                "To add a ClassificationInstance to an event-based label row, the ClassificationInstance needs to be "
                "created with the range_only property set to True: its frames are nanosecond offsets, so it is held "
                "as ranges rather than per-frame entries."
            )
        if self._is_range_based() and not classification_instance.is_range_only():
            raise LabelRowError(
                f"To add a ClassificationInstance object to a label row where data_type = {self.data_type.value}, "
                "the ClassificationInstance object needs to be created with the range_only = True."
            )
        if classification_instance._parent is not None:
            raise LabelRowError(
                "The supplied ClassificationInstance is already attached to a different LabelRowV2. You can do a "
                "ClassificationInstance.copy() to create an identical ClassificationInstance which is not part of "
                "any LabelRowV2."
            )
        before = set(store.classification_orders())
        order = store.add_classification(classification_instance._cell, force)
        for gone in before - set(store.classification_orders()):
            self._classifications.pop(gone, None)
        classification_instance._parent = self
        self._classifications[order] = classification_instance

    def _registered(self, object_hash: str) -> set[int]:
        """Frames the row has registered for an object hash."""
        store = self._require_labels()
        order = store.object_order(object_hash)
        live = set() if order is None else set(store.object_cell(order).frames())
        return live | self._stray_frames.get(object_hash, set())

    def remove_object(self, object_instance: ObjectInstance) -> None:
        """Removes the object with this instance's hash from the row (by hash, as in the reference).

        The row drops whatever it lists under the hash, then unregisters the instance's frames: a frame not
        registered for the hash is a KeyError (the object is removed all the same)."""
        store = self._require_labels()
        h = object_instance.object_hash
        registered = self._registered(h)
        order = store.object_order(h)
        if order is not None:
            store.remove_object(order)
            self._objects.pop(order, None)
        frames = set(object_instance._cell.frames())
        stray = registered - frames
        if stray:
            self._stray_frames[h] = stray
        else:
            self._stray_frames.pop(h, None)
        object_instance._parent = None
        # The reference leaves the frame registry alone for range-shaped objects (they are on no frame grid).
        missing = [] if object_instance.is_range_only() else sorted(frames - registered)
        if missing:
            raise LabelRowKeyError(f"frame {missing[0]} of object {h} is not registered on the row")

    def _unregister_detached(self, object_instance: ObjectInstance, frames: list[int]) -> None:
        """`remove_from_frames` of an instance that points at this row but is not in its list."""
        h = object_instance.object_hash
        object_instance._cell.remove_frames(frames)
        registered = self._registered(h)
        stray = self._stray_frames.get(h, set())
        stray.difference_update(frames)
        missing = next((f for f in frames if f not in registered), None)
        if missing is not None:
            raise LabelRowKeyError(f"frame {missing} of object {h} is not registered on the row")
        if not object_instance._cell.frame_count():
            # The reference then forgets the hash: whatever the row lists under it leaves the list.
            order = self._require_labels().object_order(h)
            if order is None:
                raise LabelRowKeyError(h)
            cell = self._store.object_cell(order)
            stray.update(cell.frames())
            self._stray_frames[h] = stray
            self._store.remove_object(order)
            self._objects.pop(order, None)

    def remove_classification(self, classification_instance: ClassificationInstance) -> None:
        store = self._require_labels()
        # By hash, as in the reference.
        order = store.classification_order(classification_instance.classification_hash)
        if order is None:
            raise LabelRowKeyError(classification_instance.classification_hash)
        held_by_other = not store.classification_cell(order).same_cell(classification_instance._cell)
        # Read before the removal: the reference unregisters this instance's frames from what the row held.
        claimed = store.claimed_ranges(classification_instance.feature_hash)
        store.remove_classification(order)
        self._classifications.pop(order, None)
        classification_instance._parent = None
        if held_by_other and not classification_instance.is_range_only():
            # The hash belonged to another instance: the reference removes that one, then unregisters this
            # instance's frames from its classification - a KeyError for frames never registered.
            for f in classification_instance._cell.frames():
                if not any(s <= f <= e for s, e in claimed):
                    raise LabelRowKeyError(str(f))

    # ---- export -----------------------------------------------------------------------------------------------

    def to_encord_dict(self, renumber_objects: bool = False) -> dict[str, Any]:
        """The label row in the Encord dict format."""
        return self._require_labels().to_dict(renumber_objects)

    # ---- server operations ------------------------------------------------------------------------------------

    def save(self, bundle: Any = None, validate_before_saving: bool = False, renumber_objects: bool = False) -> None:
        self._server_op("save")

    def initialise_labels(
        self,
        include_object_feature_hashes: set[str] | None = None,
        include_classification_feature_hashes: set[str] | None = None,
        include_reviews: bool = False,
        include_archived: bool = False,
        overwrite: bool = False,
        bundle: Any = None,
        *,
        include_signed_url: bool = False,
    ) -> None:
        self._server_op("initialise_labels")

    def workflow_reopen(self, bundle: Any = None) -> None:
        self._server_op("workflow_reopen")

    def workflow_complete(self, bundle: Any = None) -> None:
        self._server_op("workflow_complete")

    def set_priority(self, priority: float, bundle: Any = None) -> None:
        self._server_op("set_priority")

    def get_validation_errors(self) -> list[str] | None:
        self._server_op("get_validation_errors")
        return None

    def get_storage_item(self, get_signed_urls: bool = False) -> Any:
        self._server_op("get_storage_item")

    def initialise_storage_item(self, get_signed_url: bool = False, bundle: Any = None) -> None:
        self._server_op("initialise_storage_item")

    def attach_to_project(self, project: Any, data_hash: str) -> None:
        raise LabelRowError("attach_to_project needs a project backend, which labelrow does not provide yet.")

    def __repr__(self) -> str:
        return f"LabelRowV2(label_hash={self.label_hash}, data_hash={self.data_hash}, data_type={self.data_type})"


def _detached_units(media: Any) -> tuple[dict[str, Any], DataType, dict[str, Any]]:
    """Initial data units, the data type and the metadata fields of a detached row."""
    base: dict[str, Any] = {"data_hash": _ZERO_UUID, "data_title": "", "data_link": ""}
    sizes: dict[str, Any] = {"height": None, "width": None}
    audio: dict[str, Any] = {
        "audio_sample_rate": None,
        "audio_codec": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
    }
    if isinstance(media, list):
        if not media:
            raise LabelRowError("Cannot create an IMG_GROUP label row from an empty list of images.")
        units = {}
        for i, image in enumerate(media):
            if not isinstance(image, orm_storage.CustomerProvidedImageMetadata):
                raise LabelRowError(
                    f"IMG_GROUP metadata list must contain CustomerProvidedImageMetadata, got {type(image).__name__}"
                )
            h = str(uuid.UUID(int=i))
            units[h] = {
                "data_hash": h,
                "data_title": f"frame_{i}",
                "data_link": "",
                "data_type": image.mime_type,
                "data_sequence": str(i),
                "width": image.width,
                "height": image.height,
                "labels": {"objects": [], "classifications": []},
            }
        group_fields = {"frames_per_second": None, "number_of_frames": len(media), "duration": None, **sizes, **audio}
        return units, DataType.IMG_GROUP, group_fields
    if isinstance(media, orm_storage.CustomerProvidedImageMetadata):
        unit = {
            **base,
            "data_type": media.mime_type,
            "data_sequence": 0,
            "width": media.width,
            "height": media.height,
            "labels": {"objects": [], "classifications": []},
        }
        fields: dict[str, Any] = {"frames_per_second": None, "number_of_frames": 1, "duration": None}
        fields["height"] = media.height
        fields.update({"width": media.width, **audio, "file_type": media.mime_type})
        return {_ZERO_UUID: unit}, DataType.IMAGE, fields
    if isinstance(media, orm_storage.CustomerProvidedVideoMetadata):
        unit = {
            **base,
            "data_type": media.mime_type,
            "data_sequence": 0,
            "width": media.width,
            "height": media.height,
            "labels": {},
        }
        fields = {
            "frames_per_second": float(media.fps),
            "number_of_frames": math.ceil(media.fps * media.duration),
            "duration": float(media.duration),
            "height": media.height,
            "width": media.width,
            **audio,
            "file_type": media.mime_type,
        }
        return {_ZERO_UUID: unit}, DataType.VIDEO, fields
    if isinstance(media, orm_storage.CustomerProvidedPdfMetadata):
        return _medical.pdf_units(media)
    if isinstance(media, orm_storage.CustomerProvidedAudioMetadata | orm_storage.CustomerProvidedTextMetadata):
        return _detached_range_unit(media, base, sizes, audio)
    raise LabelRowError(f"Unsupported media metadata type: {type(media)}")


def _detached_range_unit(
    media: Any, base: dict[str, Any], sizes: dict[str, Any], audio: dict[str, Any]
) -> tuple[dict[str, Any], DataType, dict[str, Any]]:
    """`_detached_units` for audio (one frame per sample) and text (one frame) media."""
    unit: dict[str, Any] = {**base, "data_type": media.mime_type, "data_sequence": 0}
    if isinstance(media, orm_storage.CustomerProvidedAudioMetadata):
        audio = {
            "audio_sample_rate": media.sample_rate,
            "audio_codec": media.codec,
            "audio_bit_depth": media.bit_depth,
            "audio_num_channels": media.num_channels,
        }
        unit.update({k: audio[k] for k in _AUDIO_UNIT_KEYS})
        fields: dict[str, Any] = {
            "frames_per_second": float(media.sample_rate),
            "number_of_frames": math.ceil(media.duration * media.sample_rate),
            "duration": media.duration,
        }
        data_type = DataType.AUDIO
    else:
        fields = {"frames_per_second": None, "number_of_frames": 1, "duration": None}
        data_type = DataType.PLAIN_TEXT
    unit["labels"] = {}
    return {_ZERO_UUID: unit}, data_type, {**fields, **sizes, **audio, "file_type": media.mime_type}


_AUDIO_UNIT_KEYS = ("audio_codec", "audio_sample_rate", "audio_bit_depth", "audio_num_channels")
