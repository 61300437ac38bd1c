"""Options of radio and checklist attributes."""

from __future__ import annotations

import warnings
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from labelrow.objects.ontology_element import (
    OntologyElement,
    OntologyNestedElement,
    _append_attribute,
    _decode_nested_uid,
    _encode_nested_uid,
    _iter,
    _opt,
    _req,
)

if TYPE_CHECKING:
    from labelrow.objects.attributes import Attribute

AttributeType = TypeVar("AttributeType", bound="Attribute")
OT = TypeVar("OT", bound="Option")


@dataclass
class Option(OntologyNestedElement):
    """One selectable answer of a radio or checklist attribute."""

    label: str
    value: str
    archived: bool

    @property
    def title(self) -> str:
        return self.label

    @abstractmethod
    def is_nestable(self) -> bool:
        """Whether attributes can hang below this option (radio options only)."""

    @property
    @abstractmethod
    def attributes(self) -> list[Attribute]:
        """Nested attributes (always empty for checklist options)."""

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the ontology editor's format."""
        out: dict[str, Any] = {
            "id": _encode_nested_uid(self.uid),
            "label": self.label,
            "value": self.value,
            "featureNodeHash": self.feature_node_hash,
            "archived": self.archived,
        }
        nested = self._encode_nested_options()
        if nested:
            out["options"] = nested
        return out

    @abstractmethod
    def _encode_nested_options(self) -> list[dict[str, Any]]: ...

    @staticmethod
    def _decode_common(d: Any, path: str) -> dict[str, Any]:
        return {
            "uid": _decode_nested_uid(_req(d, "id", path), f"{path}.id"),
            "label": _req(d, "label", path),
            "value": _req(d, "value", path),
            "feature_node_hash": _req(d, "featureNodeHash", path),
            "archived": bool(_opt(d, "archived", False, path)),
        }


@dataclass
class FlatOption(Option):
    """A checklist option; it never has nested attributes."""

    def is_nestable(self) -> bool:
        return False

    @property
    def attributes(self) -> list[Attribute]:
        return []

    def _encode_nested_options(self) -> list[dict[str, Any]]:
        return []

    @classmethod
    def from_dict(cls, d: dict) -> FlatOption:
        """Parse an option dict; a nested ``options`` list is ignored."""
        return cls._from_dict(d, "option")

    @classmethod
    def _from_dict(cls, d: Any, path: str) -> FlatOption:
        return cls(**cls._decode_common(d, path))


@dataclass
class NestableOption(Option):
    """A radio option; it may carry nested attributes (stored under the key ``options``)."""

    nested_options: list[Attribute] = field(default_factory=list)

    def __hash__(self) -> int:
        return hash(self.feature_node_hash)

    def is_nestable(self) -> bool:
        return True

    @property
    def attributes(self) -> list[Attribute]:
        return self.nested_options

    @property
    def children(self) -> Sequence[OntologyElement]:
        return self.nested_options

    def _encode_nested_options(self) -> list[dict[str, Any]]:
        from labelrow.objects.attributes import attributes_to_list_dict

        return attributes_to_list_dict(self.nested_options)

    @classmethod
    def from_dict(cls, d: dict) -> NestableOption:
        """Parse a radio option dict including its nested attributes."""
        return cls._from_dict(d, "option")

    @classmethod
    def _from_dict(cls, d: Any, path: str) -> NestableOption:
        from labelrow.objects.attributes import _attribute_from_dict

        nested = [
            _attribute_from_dict(item, f"{path}.options[{i}]")
            for i, item in enumerate(_iter(_opt(d, "options", [], path), f"{path}.options"))
        ]
        return cls(**cls._decode_common(d, path), nested_options=nested)

    def add_nested_attribute(
        self,
        cls: type[AttributeType],
        name: str,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
        required: bool = False,
    ) -> AttributeType:
        """Create an attribute of class ``cls`` below this option and return it."""
        return _append_attribute(
            self.nested_options, self.uid, cls, name, local_uid, feature_node_hash, required, dynamic=False
        )

    def add_nested_option(
        self,
        cls: type[AttributeType],
        name: str,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
        required: bool = False,
    ) -> AttributeType:
        """Deprecated name of :meth:`add_nested_attribute`."""
        warnings.warn(
            "add_nested_option is deprecated, use add_nested_attribute instead", DeprecationWarning, stacklevel=2
        )
        return self.add_nested_attribute(cls, name, local_uid, feature_node_hash, required)


__all__ = ["FlatOption", "NestableOption", "Option"]
