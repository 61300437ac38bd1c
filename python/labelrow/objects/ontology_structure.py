"""The ontology structure: objects, classifications and skeleton templates of an ontology."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from labelrow.exceptions import EncordException, OntologyError, OntologyTypeError, OntologyValueError
from labelrow.objects.classification import Classification, OntologyClassificationLevel
from labelrow.objects.common import Shape
from labelrow.objects.constants import AVAILABLE_COLORS
from labelrow.objects.ontology_element import (
    OntologyElement,
    OntologyElementT,
    _check_type,
    _enum_value,
    _iter,
    _matching_titles,
    _opt,
    _random_top_level_hash,
    _req,
    _single_title,
    _walk,
)
from labelrow.objects.ontology_object import Object
from labelrow.objects.skeleton_template import SkeletonTemplate


def _next_color(objects: list[Object]) -> str:
    if not objects:
        return AVAILABLE_COLORS[0]
    last = objects[-1].color
    if last not in AVAILABLE_COLORS:
        return AVAILABLE_COLORS[0]
    return AVAILABLE_COLORS[(AVAILABLE_COLORS.index(last) + 1) % len(AVAILABLE_COLORS)]


def _check_new_top_level(elements: list[Any], uid: Any, feature_node_hash: str) -> None:
    if any(element.uid == uid for element in elements):
        raise OntologyValueError(f"Duplicate uid '{uid}'")
    if any(element.feature_node_hash == feature_node_hash for element in elements):
        raise OntologyValueError(f"Duplicate feature_node_hash '{feature_node_hash}'")


def _next_uid(elements: list[Any]) -> int:
    return max(element.uid for element in elements) + 1 if elements else 1


@dataclass
class OntologyStructure:
    """All label classes of an ontology, with lookups by hash and title."""

    objects: list[Object] = field(default_factory=list)
    classifications: list[Classification] = field(default_factory=list)
    skeleton_templates: dict[str, SkeletonTemplate] = field(default_factory=dict)

    # ---------------------------------------------------------------- lookups

    def _roots(self) -> Iterator[OntologyElement]:
        yield from self.objects
        yield from self.classifications

    def get_child_by_hash(self, feature_node_hash: str, type_: type[OntologyElementT] | None = None) -> Any:
        """First element (objects first, each walked pre-order, then classifications) with the given hash."""
        for root in self._roots():
            for element in _walk(root):
                if element.feature_node_hash == feature_node_hash:
                    _check_type(element, type_)
                    return element
        raise OntologyError(f"Item not found: can't find an item with a hash {feature_node_hash} in the ontology.")

    def get_child_by_title(self, title: str, type_: type[OntologyElementT] | None = None) -> Any:
        """The single element with the given title; OntologyError on none or several."""
        return _single_title(self.get_children_by_title(title, type_), title, type_)

    def get_children_by_title(self, title: str, type_: type[OntologyElementT] | None = None) -> list[Any]:
        """All elements with the given title (objects and their descendants first, then classifications)."""
        return _matching_titles(self._roots(), title, type_)

    # ---------------------------------------------------------------- (de)serialisation

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OntologyStructure:
        """Parse an ontology structure dict (``objects`` and ``classifications`` are required)."""
        objects = [
            Object._from_dict(item, f"objects[{i}]")
            for i, item in enumerate(_iter(_req(d, "objects", "ontology"), "objects"))
        ]
        classifications = [
            Classification._from_dict(item, f"classifications[{i}]")
            for i, item in enumerate(_iter(_req(d, "classifications", "ontology"), "classifications"))
        ]
        templates: dict[str, SkeletonTemplate] = {}
        raw_templates = _iter(_opt(d, "skeleton_templates", [], "ontology"), "skeleton_templates")
        for i, entry in enumerate(raw_templates):
            path = f"skeleton_templates[{i}]"
            raw = _req(entry, "template", path)
            try:
                template = SkeletonTemplate.from_dict(raw)
            except EncordException as exc:
                raise EncordException(f"{path}.template: {exc.message}") from None
            templates[template.name] = template
        return cls(objects=objects, classifications=classifications, skeleton_templates=templates)

    def _encode_templates(self) -> list[dict[str, Any]]:
        return [{"template": template.to_dict()} for template in self.skeleton_templates.values()]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """Serialise in the ontology editor's format."""
        return {
            "objects": [obj.to_dict() for obj in self.objects],
            "classifications": [classification.to_dict() for classification in self.classifications],
            "skeleton_templates": self._encode_templates(),
        }

    def _core_dict(self) -> dict[str, Any]:
        """Same as :meth:`to_dict` but lenient: never raises for attribute-less classifications,
        plain-string shapes or levels (used to compile the ontology for the Rust core)."""
        return {
            "objects": [obj._encode(_enum_value(obj.shape)) for obj in self.objects],
            "classifications": [classification._core_encode() for classification in self.classifications],
            "skeleton_templates": self._encode_templates(),
        }

    # ---------------------------------------------------------------- building

    def add_object(
        self,
        name: str,
        shape: Shape,
        uid: int | None = None,
        color: str | None = None,
        feature_node_hash: str | None = None,
    ) -> Object:
        """Append a new object; uid, hash and colour are generated when not given."""
        if uid is None:
            uid = _next_uid(self.objects)
        if feature_node_hash is None:
            feature_node_hash = _random_top_level_hash()
        _check_new_top_level(self.objects, uid, feature_node_hash)
        if color is None:
            color = _next_color(self.objects)
        obj = Object(feature_node_hash=feature_node_hash, uid=uid, name=name, color=color, shape=shape)
        self.objects.append(obj)
        return obj

    def add_classification(
        self,
        uid: int | None = None,
        feature_node_hash: str | None = None,
        level: OntologyClassificationLevel | None = None,
    ) -> Classification:
        """Append a new classification (add its root attribute with ``add_attribute`` afterwards)."""
        if uid is None:
            uid = _next_uid(self.classifications)
        if feature_node_hash is None:
            feature_node_hash = _random_top_level_hash()
        _check_new_top_level(self.classifications, uid, feature_node_hash)
        classification = Classification(feature_node_hash=feature_node_hash, uid=uid, attributes=[], _level=level)
        self.classifications.append(classification)
        return classification

    def add_skeleton_template(self, skeleton_template: SkeletonTemplate, feature_node_hash: str | None = None) -> None:
        """Register a template under its name; its ``feature_node_hash`` is (re)assigned."""
        if skeleton_template.name in self.skeleton_templates:
            raise OntologyValueError("Already a template with this name associated to this ontology")
        skeleton_template.feature_node_hash = (
            feature_node_hash if feature_node_hash is not None else _random_top_level_hash()
        )
        self.skeleton_templates[skeleton_template.name] = skeleton_template

    def add_skeleton_object(
        self,
        name: str,
        skeleton_template: SkeletonTemplate,
        color: str | None = None,
        feature_node_hash: str | None = None,
    ) -> tuple[Object, SkeletonTemplate]:
        """Add a skeleton object and its template; both share one feature node hash."""
        if skeleton_template.name in self.skeleton_templates:
            raise OntologyValueError("Already a template with this name associated to this ontology")
        obj = self.add_object(name, Shape.SKELETON, color=color, feature_node_hash=feature_node_hash)
        self.add_skeleton_template(skeleton_template, feature_node_hash=obj.feature_node_hash)
        return obj, skeleton_template


def as_structure(x: Any) -> OntologyStructure:
    """An :class:`OntologyStructure` for a labelrow structure, anything with ``.structure`` (an ontology),
    anything with ``to_dict()`` (e.g. the reference SDK's structure) or a plain ontology dict."""
    if isinstance(x, OntologyStructure):
        return x
    if isinstance(x, Mapping):
        return OntologyStructure.from_dict(dict(x))
    structure = getattr(x, "structure", None)
    if structure is not None:
        return as_structure(structure)
    to_dict = getattr(x, "to_dict", None)
    if callable(to_dict):
        return OntologyStructure.from_dict(to_dict())
    raise OntologyTypeError(f"Cannot build an OntologyStructure from {type(x).__name__}")


__all__ = ["AVAILABLE_COLORS", "OntologyStructure", "as_structure"]
