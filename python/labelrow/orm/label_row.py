"""Label-row status enums and the server-side label-row metadata record (mirrors ``encord.orm.label_row``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from dateutil import parser as _dateutil_parser


class LabelStatus(Enum):
    """Labelling progress of a row; unknown values map to ``MISSING_LABEL_STATUS``."""

    NOT_LABELLED = "NOT_LABELLED"
    LABEL_IN_PROGRESS = "LABEL_IN_PROGRESS"
    LABELLED = "LABELLED"
    REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS"
    REVIEWED = "REVIEWED"
    REVIEWED_TWICE = "REVIEWED_TWICE"
    MISSING_LABEL_STATUS = "_MISSING_LABEL_STATUS_"

    @classmethod
    def _missing_(cls, value: Any) -> LabelStatus:
        return cls.MISSING_LABEL_STATUS


class AnnotationTaskStatus(Enum):
    """Status of the annotation task of a (non-workflow) row; unknown values raise ``ValueError``."""

    QUEUED = "QUEUED"
    ASSIGNED = "ASSIGNED"
    IN_REVIEW = "IN_REVIEW"
    RETURNED = "RETURNED"
    COMPLETED = "COMPLETED"


class ShadowDataState(Enum):
    """Filter over shadow / non-shadow data."""

    ALL_DATA = "ALL_DATA"
    SHADOW_DATA = "SHADOW_DATA"
    NOT_SHADOW_DATA = "NOT_SHADOW_DATA"


@dataclass(frozen=True)
class WorkflowGraphNode:
    """The workflow stage a task currently sits in."""

    uuid: str
    title: str

    @classmethod
    def from_optional_dict(cls, json_dict: dict | None) -> WorkflowGraphNode | None:
        """Build from ``{"uuid", "title"}`` (missing key → KeyError); ``None`` stays ``None``."""
        if json_dict is None:
            return None
        return cls(uuid=json_dict["uuid"], title=json_dict["title"])


_LONG_FORMAT = "%a, %d %b %Y %H:%M:%S %Z"


def _parse_datetime(value: str) -> datetime:
    """Parse a server datetime string; strings without a zone are taken as UTC."""
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        pass
    if value.endswith(("UTC", "GMT")):
        try:
            return datetime.strptime(value, _LONG_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            pass
    try:
        parsed = _dateutil_parser.isoparse(value)
    except ValueError:
        try:
            parsed = _dateutil_parser.parse(value)
        except (ValueError, OverflowError):
            parsed = _dateutil_parser.parse(value, fuzzy=True)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _optional_datetime(value: Any) -> datetime | None:
    return None if value is None else _parse_datetime(value)


def _optional_uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(value)


@dataclass(frozen=True)
class LabelRowMetadata:
    """Server-side description of one label row (identity, media facts and workflow state)."""

    label_hash: str | None
    created_at: datetime | None
    last_edited_at: datetime | None
    branch_name: str
    data_hash: str
    dataset_hash: str
    dataset_title: str
    data_title: str
    data_type: str
    data_link: str | None
    label_status: LabelStatus
    annotation_task_status: AnnotationTaskStatus | None
    workflow_graph_node: WorkflowGraphNode | None
    is_shadow_data: bool
    frames_per_second: float | None
    number_of_frames: int
    duration: float | None
    height: int | None
    width: int | None
    audio_sample_rate: int | None
    audio_codec: str | None
    audio_bit_depth: int | None
    audio_num_channels: int | None
    spaces: dict[str, Any]
    group_hash: str | None = None
    task_uuid: UUID | None = None
    priority: float | None = None
    client_metadata: dict | None = None
    images_data: list | None = None
    file_type: str | None = None
    is_valid: bool = True
    backing_item_uuid: UUID | None = None
    assigned_user_email: str | None = None
    last_actioned_by_user_email: str | None = None

    @classmethod
    def from_dict(cls, json_dict: dict) -> LabelRowMetadata:
        """Build from the server's snake_case dict (required keys raise KeyError when missing)."""
        status = json_dict.get("annotation_task_status")
        return cls(
            label_hash=json_dict.get("label_hash"),
            created_at=_optional_datetime(json_dict.get("created_at")),
            last_edited_at=_optional_datetime(json_dict.get("last_edited_at")),
            branch_name=json_dict["branch_name"],
            data_hash=json_dict["data_hash"],
            dataset_hash=json_dict["dataset_hash"],
            dataset_title=json_dict["dataset_title"],
            data_title=json_dict["data_title"],
            data_type=json_dict["data_type"],
            data_link=json_dict["data_link"],
            label_status=LabelStatus(json_dict["label_status"]),
            annotation_task_status=None if status is None else AnnotationTaskStatus(status),
            workflow_graph_node=WorkflowGraphNode.from_optional_dict(json_dict.get("workflow_graph_node")),
            is_shadow_data=json_dict.get("is_shadow_data", False),
            frames_per_second=json_dict.get("frames_per_second"),
            number_of_frames=json_dict["number_of_frames"],
            duration=json_dict.get("duration"),
            height=json_dict.get("height"),
            width=json_dict.get("width"),
            audio_sample_rate=json_dict.get("audio_sample_rate"),
            audio_codec=json_dict.get("audio_codec"),
            audio_bit_depth=json_dict.get("audio_bit_depth"),
            audio_num_channels=json_dict.get("audio_num_channels"),
            spaces=json_dict["spaces"],
            group_hash=json_dict.get("group_hash"),
            task_uuid=_optional_uuid(json_dict.get("task_uuid")),
            priority=json_dict.get("priority"),
            client_metadata=json_dict.get("client_metadata"),
            images_data=json_dict.get("images_data"),
            file_type=json_dict.get("file_type"),
            is_valid=json_dict.get("is_valid", True),
            backing_item_uuid=_optional_uuid(json_dict.get("backing_item_uuid")),
            assigned_user_email=json_dict.get("assigned_user_email"),
            last_actioned_by_user_email=json_dict.get("last_actioned_by_user_email"),
        )

    @classmethod
    def from_list(cls, json_list: list) -> list[LabelRowMetadata]:
        """``from_dict`` applied to every element."""
        return [cls.from_dict(item) for item in json_list]

    def to_dict(self) -> dict:
        """Snake_case dict: datetimes as ISO strings, enums as their values, the workflow node as a dict."""
        result: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, Enum):
                value = value.value
            elif isinstance(value, WorkflowGraphNode):
                value = {"uuid": value.uuid, "title": value.title}
            result[f.name] = value
        return result


__all__ = [
    "AnnotationTaskStatus",
    "LabelRowMetadata",
    "LabelStatus",
    "ShadowDataState",
    "WorkflowGraphNode",
]
