"""Attributes (questions) of ontology objects, classifications and radio options."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from labelrow.exceptions import OntologyTypeError
from labelrow.objects.common import PropertyType
from labelrow.objects.ontology_element import (
    NestedID,
    OntologyElement,
    OntologyNestedElement,
    _check_new_nested,
    _decode_nested_uid,
    _encode_nested_uid,
    _iter,
    _next_local_uid,
    _opt,
    _random_nested_hash,
    _req,
)
from labelrow.objects.options import FlatOption, NestableOption, Option

OptionType = TypeVar("OptionType", bound=Option)
AttributeType = TypeVar("AttributeType", bound="Attribute")

_WHITESPACE = re.compile(r"\s")


def _default_option_value(label: str) -> str:
    return _WHITESPACE.sub("_", label).lower()


@dataclass(init=False, eq=False)
class Attribute(OntologyNestedElement, Generic[OptionType]):
    """Base class of the four attribute kinds; equality compares hash and uid only."""

    def __init__(
        self,
        uid: NestedID,
        feature_node_hash: str,
        name: str,
        required: bool,
        archived: bool,
        dynamic: bool,
    ):
        self.feature_node_hash = feature_node_hash
        self.uid = uid
        self.name = name
        self.required = required
        self.archived = archived
        self.dynamic = dynamic

    @property
    def options(self) -> Sequence[OptionType]:
        """Options of the attribute (empty for text and numeric attributes)."""
        return []

    @property
    def title(self) -> str:
        return self.name

    @staticmethod
    @abstractmethod
    def get_property_type() -> PropertyType:
        """The :class:`PropertyType` written as ``type``."""

    def _encode_options(self) -> list[dict[str, Any]] | None:
        return None

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the ontology editor's format."""
        out: dict[str, Any] = {
            "id": _encode_nested_uid(self.uid),
            "name": self.name,
            "type": self.get_property_type().value,
            "featureNodeHash": self.feature_node_hash,
            "required": self.required,
            "archived": self.archived,
            "dynamic": self.dynamic,
        }
        options = self._encode_options()
        if options:
            out["options"] = options
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Attribute:
        """Parse an attribute dict; the returned class follows its ``type`` key, not ``cls``."""
        return _attribute_from_dict(d, "attribute")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attribute):
            return NotImplemented
        return self.feature_node_hash == other.feature_node_hash and self.uid == other.uid

    __hash__ = None  # type: ignore[assignment]


class _AttributeWithOptions(Attribute[OptionType]):
    _options: list[OptionType]

    def _option_class(self) -> type[OptionType]:
        raise NotImplementedError

    @property
    def options(self) -> Sequence[OptionType]:
        return self._options

    @property
    def children(self) -> Sequence[OntologyElement]:
        return self._options

    def _encode_options(self) -> list[dict[str, Any]] | None:
        return [option.to_dict() for option in self._options]

    def _add_option(
        self, label: str, value: str | None, local_uid: int | None, feature_node_hash: str | None
    ) -> OptionType:
        if local_uid is None:
            local_uid = _next_local_uid(self._options)
        if feature_node_hash is None:
            feature_node_hash = _random_nested_hash()
        _check_new_nested(self._options, local_uid, feature_node_hash)
        option = self._option_class()(
            feature_node_hash=feature_node_hash,
            uid=[*self.uid, local_uid],
            label=label,
            value=value or _default_option_value(label),
            archived=False,
        )
        self._options.append(option)
        return option


@dataclass(init=False, eq=False)
class RadioAttribute(_AttributeWithOptions[NestableOption]):
    """Single choice among options; options may carry nested attributes."""

    def __init__(
        self,
        uid: NestedID,
        feature_node_hash: str,
        name: str,
        required: bool,
        archived: bool,
        dynamic: bool,
        options: list[NestableOption] | None = None,
    ):
        super().__init__(uid, feature_node_hash, name, required, archived, dynamic)
        self._options = options if options is not None else []

    @staticmethod
    def get_property_type() -> PropertyType:
        return PropertyType.RADIO

    def _option_class(self) -> type[NestableOption]:
        return NestableOption

    def add_option(
        self,
        label: str,
        value: str | None = None,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
    ) -> NestableOption:
        """Append an option; ``value`` defaults to the label with whitespace turned into ``_``, lower-cased."""
        return self._add_option(label, value, local_uid, feature_node_hash)


@dataclass(init=False, eq=False)
class ChecklistAttribute(_AttributeWithOptions[FlatOption]):
    """Any number of options may be selected; options cannot carry nested attributes."""

    def __init__(
        self,
        uid: NestedID,
        feature_node_hash: str,
        name: str,
        required: bool,
        archived: bool,
        dynamic: bool,
        options: list[FlatOption] | None = None,
    ):
        super().__init__(uid, feature_node_hash, name, required, archived, dynamic)
        self._options = options if options is not None else []

    @staticmethod
    def get_property_type() -> PropertyType:
        return PropertyType.CHECKLIST

    def _option_class(self) -> type[FlatOption]:
        return FlatOption

    def add_option(
        self,
        label: str,
        value: str | None = None,
        local_uid: int | None = None,
        feature_node_hash: str | None = None,
    ) -> FlatOption:
        """Append an option; ``value`` defaults to the label with whitespace turned into ``_``, lower-cased."""
        return self._add_option(label, value, local_uid, feature_node_hash)


@dataclass(init=False, eq=False)
class TextAttribute(Attribute[FlatOption]):
    """Free-text answer."""

    def __init__(
        self,
        uid: NestedID,
        feature_node_hash: str,
        name: str,
        required: bool,
        archived: bool,
        dynamic: bool,
    ):
        super().__init__(uid, feature_node_hash, name, required, archived, dynamic)

    @staticmethod
    def get_property_type() -> PropertyType:
        return PropertyType.TEXT


@dataclass(init=False, eq=False)
class NumericAttribute(Attribute[FlatOption]):
    """Numeric answer."""

    def __init__(
        self,
        uid: NestedID,
        feature_node_hash: str,
        name: str,
        required: bool,
        archived: bool,
        dynamic: bool,
    ):
        super().__init__(uid, feature_node_hash, name, required, archived, dynamic)

    @staticmethod
    def get_property_type() -> PropertyType:
        return PropertyType.NUMERIC


def _attribute_from_dict(d: Any, path: str) -> Attribute:
    property_type = _req(d, "type", path)
    common: dict[str, Any] = {
        "uid": _decode_nested_uid(_req(d, "id", path), f"{path}.id"),
        "feature_node_hash": _req(d, "featureNodeHash", path),
        "name": _req(d, "name", path),
        "required": _req(d, "required", path),
        "dynamic": _opt(d, "dynamic", False, path),
        "archived": _opt(d, "archived", False, path),
    }
    if property_type == "radio":
        raw = _iter(_opt(d, "options", [], path), f"{path}.options")
        nestable = [NestableOption._from_dict(item, f"{path}.options[{i}]") for i, item in enumerate(raw)]
        return RadioAttribute(**common, options=nestable)
    if property_type == "checklist":
        raw = _iter(_opt(d, "options", [], path), f"{path}.options")
        flat = [FlatOption._from_dict(item, f"{path}.options[{i}]") for i, item in enumerate(raw)]
        return ChecklistAttribute(**common, options=flat)
    if property_type == "text":
        return TextAttribute(**common)
    if property_type == "numeric":
        return NumericAttribute(**common)
    raise OntologyTypeError(f"{path}.type: attribute type {property_type!r} is not recognised (ill-formed attribute)")


def attribute_from_dict(d: dict[str, Any]) -> Attribute:
    """Parse one attribute dict into the matching attribute class."""
    return _attribute_from_dict(d, "attribute")


def attributes_to_list_dict(attributes: list[Attribute]) -> list[dict[str, Any]]:
    """Serialise a list of attributes."""
    return [attribute.to_dict() for attribute in attributes]


def _attributes_from_list(raw: Any, path: str) -> list[Attribute]:
    return [_attribute_from_dict(item, f"{path}[{i}]") for i, item in enumerate(_iter(raw, path))]


__all__ = [
    "Attribute",
    "ChecklistAttribute",
    "NumericAttribute",
    "RadioAttribute",
    "TextAttribute",
    "attribute_from_dict",
    "attributes_to_list_dict",
]
