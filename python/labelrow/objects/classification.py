"""Ontology classifications: questions about a whole frame range or file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labelrow.exceptions import OntologyValueError
from labelrow.objects.attributes import Attribute, AttributeType, _attributes_from_list, attributes_to_list_dict
from labelrow.objects.common import StringEnum
from labelrow.objects.ontology_element import (
    OntologyAttributeError,
    OntologyElement,
    OntologyIndexError,
    _append_attribute,
    _enum_value,
    _opt,
    _req,
    _to_int,
)

if TYPE_CHECKING:
    from labelrow.objects.classification_instance import ClassificationInstance


class OntologyClassificationLevel(StringEnum):
    """Scope of a classification; only ``global`` exists (one answer per label row)."""

    GLOBAL = "global"


@dataclass
class Classification(OntologyElement):
    """A classification: exactly one root attribute whose name is the classification's title."""

    uid: int
    attributes: list[Attribute]
    _level: OntologyClassificationLevel | None = None

    def __hash__(self) -> int:
        return hash(self.feature_node_hash)

    @property
    def title(self) -> str:
        if not self.attributes:
            raise OntologyIndexError(f"Classification {self.uid} has no attribute, so it has no title")
        return self.attributes[0].name

    @property
    def level(self) -> OntologyClassificationLevel | None:
        """``OntologyClassificationLevel.GLOBAL`` for global classifications, else ``None``."""
        return self._level

    @property
    def is_global(self) -> bool:
        """Whether the classification has one instance per label row and no frames."""
        return self._level == OntologyClassificationLevel.GLOBAL

    @property
    def children(self) -> Sequence[OntologyElement]:
        return self.attributes

    def create_instance(self, range_only: bool = False) -> ClassificationInstance:
        """A new, unattached :class:`ClassificationInstance` of this classification."""
        from labelrow.objects.classification_instance import ClassificationInstance

        return ClassificationInstance(self, range_only=range_only)

    @classmethod
    def from_dict(cls, d: dict) -> Classification:
        """Parse an ontology classification dict (an empty ``attributes`` list is accepted)."""
        return cls._from_dict(d, "classification")

    @classmethod
    def _from_dict(cls, d: Any, path: str) -> Classification:
        attributes = _attributes_from_list(_req(d, "attributes", path), f"{path}.attributes")
        level = OntologyClassificationLevel.GLOBAL if _opt(d, "level", None, path) == "global" else None
        uid = _to_int(_req(d, "id", path), f"{path}.id")
        return cls(
            feature_node_hash=_req(d, "featureNodeHash", path),
            uid=uid,
            attributes=attributes,
            _level=level,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the ontology editor's format; raises if there is no attribute."""
        if not self.attributes:
            raise OntologyValueError(f"Classification {self.uid} requires attribute before use")
        level = None
        if self._level is not None:
            try:
                level = self._level.value
            except AttributeError:
                raise OntologyAttributeError(
                    f"classification {self.uid}: level {self._level!r} is not an OntologyClassificationLevel"
                ) from None
        return self._encode(level)

    def _encode(self, level: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"id": str(self.uid), "featureNodeHash": self.feature_node_hash}
        if level is not None:
            out["level"] = level
        out["attributes"] = attributes_to_list_dict(self.attributes)
        return out

    def _core_encode(self) -> dict[str, Any]:
        return self._encode(None if self._level is None else _enum_value(self._level))

    def add_attribute(
        self,
        cls: type[AttributeType],
        name: str,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
        required: bool = False,
    ) -> AttributeType:
        """Create the (single) root attribute of the classification."""
        if self.attributes:
            raise OntologyValueError("Classification should have exactly one root attribute")
        return _append_attribute(
            self.attributes, [self.uid], cls, name, local_uid, feature_node_hash, required, dynamic=False
        )


__all__ = ["Classification", "OntologyClassificationLevel"]
