"""Ontology objects: the drawable (or range) label classes of an ontology."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labelrow.exceptions import OntologyTypeError
from labelrow.objects.attributes import Attribute, AttributeType, _attributes_from_list, attributes_to_list_dict
from labelrow.objects.common import Shape
from labelrow.objects.ontology_element import (
    OntologyElement,
    _append_attribute,
    _opt,
    _req,
    _to_int,
)

if TYPE_CHECKING:
    from labelrow.objects.ontology_object_instance import ObjectInstance


def _parse_shape(value: Any, d: Any, path: str) -> Shape:
    try:
        shape = Shape.from_string(value)
    except TypeError as exc:
        raise OntologyTypeError(f"{path}.shape: shape {value!r} is not recognised ({exc})") from None
    if shape is None:
        raise OntologyTypeError(f"{path}.shape: shape {value!r} is not recognised")
    return shape


@dataclass
class Object(OntologyElement):
    """A label class that is drawn (or marked as a range) on the media."""

    uid: int
    name: str
    color: str
    shape: Shape
    required: bool = False
    archived: bool = False
    attributes: list[Attribute] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name

    @property
    def children(self) -> Sequence[OntologyElement]:
        return self.attributes

    def create_instance(self, *, object_number: int | None = None) -> ObjectInstance:
        """A new, unattached :class:`ObjectInstance` of this object."""
        from labelrow.objects.ontology_object_instance import ObjectInstance

        return ObjectInstance(self, object_number=object_number)

    @classmethod
    def from_dict(cls, d: dict) -> Object:
        """Parse an ontology object dict."""
        return cls._from_dict(d, "object")

    @classmethod
    def _from_dict(cls, d: Any, path: str) -> Object:
        shape = _parse_shape(_req(d, "shape", path), d, path)
        attributes = _attributes_from_list(_opt(d, "attributes", [], path), f"{path}.attributes")
        uid = _to_int(_req(d, "id", path), f"{path}.id")
        return cls(
            uid=uid,
            name=_req(d, "name", path),
            color=_req(d, "color", path),
            shape=shape,
            feature_node_hash=_req(d, "featureNodeHash", path),
            required=bool(_opt(d, "required", False, path)),
            archived=bool(_opt(d, "archived", False, path)),
            attributes=attributes,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the ontology editor's format (``attributes`` only when non-empty)."""
        try:
            shape_value = self.shape.value
        except AttributeError:
            from labelrow.objects.ontology_element import OntologyAttributeError

            raise OntologyAttributeError(f"object {self.uid}: shape {self.shape!r} is not a Shape member") from None
        return self._encode(shape_value)

    def _encode(self, shape_value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(self.uid),
            "name": self.name,
            "color": self.color,
            "shape": shape_value,
            "featureNodeHash": self.feature_node_hash,
            "required": self.required,
            "archived": self.archived,
        }
        if self.attributes:
            out["attributes"] = attributes_to_list_dict(self.attributes)
        return out

    def add_attribute(
        self,
        cls: type[AttributeType],
        name: str,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
        required: bool = False,
        dynamic: bool = False,
    ) -> AttributeType:
        """Create a top-level attribute of class ``cls`` (``dynamic`` ones get per-frame answers)."""
        return _append_attribute(
            self.attributes, [self.uid], cls, name, local_uid, feature_node_hash, required, dynamic
        )


__all__ = ["Object"]
