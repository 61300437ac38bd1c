"""Base classes of ontology elements, lookup helpers and the shared decoding/id utilities."""

from __future__ import annotations

import base64
import secrets
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, NoReturn, TypeVar

from labelrow.exceptions import (
    OntologyError,
    OntologyKeyError,
    OntologyTypeError,
    OntologyValueError,
)

NestedID = list[int]


class OntologyAttributeError(OntologyError, AttributeError):
    """Ontology input of the wrong kind where the reference raises a bare ``AttributeError``."""


class OntologyIndexError(OntologyError, IndexError):
    """An element that needs a child has none (e.g. the title of an attribute-less classification)."""


class OntologyOverflowError(OntologyError, OverflowError):
    """An id that cannot be an integer (infinite float); the reference raises a bare ``OverflowError``."""


# --------------------------------------------------------------------------------------------------
# Decoding helpers: perform the same Python operation the reference performs, but re-raise built-in
# failures as the matching labelrow subclass with the location in the message.
# --------------------------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    return type(value).__name__


def _req(d: Any, key: str, path: str) -> Any:
    """``d[key]`` with a located error."""
    try:
        return d[key]
    except KeyError:
        raise OntologyKeyError(f"{path}: missing key {key!r}") from None
    except TypeError as exc:
        raise OntologyTypeError(f"{path}: expected a dict, got {_kind(d)} ({exc})") from None


def _opt(d: Any, key: str, default: Any, path: str) -> Any:
    """``d.get(key, default)`` with a located error."""
    try:
        getter = d.get
    except AttributeError:
        raise OntologyAttributeError(f"{path}: expected a dict, got {_kind(d)}") from None
    return getter(key, default)


def _iter(value: Any, path: str) -> Iterator[Any]:
    """``iter(value)`` with a located error."""
    try:
        return iter(value)
    except TypeError:
        raise OntologyTypeError(f"{path}: expected a list, got {_kind(value)}") from None


def _reraise(exc: Exception, message: str) -> NoReturn:
    if isinstance(exc, OverflowError):
        raise OntologyOverflowError(message) from None
    if isinstance(exc, ValueError):
        raise OntologyValueError(message) from None
    if isinstance(exc, AttributeError):
        raise OntologyAttributeError(message) from None
    raise OntologyTypeError(message) from None


def _to_int(value: Any, path: str) -> int:
    """``int(value)`` with a located error."""
    try:
        return int(value)
    except (ValueError, TypeError, OverflowError) as exc:
        _reraise(exc, f"{path}: not an integer id: {value!r} ({exc})")


def _decode_nested_uid(value: Any, path: str) -> NestedID:
    """Parse a dotted id such as ``"1.2.3"`` into ``[1, 2, 3]``."""
    try:
        parts = value.split(".")
    except (AttributeError, TypeError) as exc:
        _reraise(exc, f"{path}: not a dotted id: {value!r} ({exc})")
    try:
        return [int(part) for part in parts]
    except (ValueError, TypeError, OverflowError) as exc:
        _reraise(exc, f"{path}: not a dotted id: {value!r} ({exc})")


def _encode_nested_uid(uid: Sequence[int]) -> str:
    return ".".join(str(part) for part in uid)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


# --------------------------------------------------------------------------------------------------
# Identifier generation
# --------------------------------------------------------------------------------------------------


def _random_top_level_hash() -> str:
    """8 hex characters taken from a random UUID4 (objects, classifications, skeleton templates)."""
    return str(uuid.uuid4())[:8]


def _random_nested_hash() -> str:
    """8 base64 characters encoding 6 random bytes (attributes and options)."""
    return base64.b64encode(secrets.token_bytes(6)).decode("ascii")


def _next_local_uid(siblings: Iterable[OntologyNestedElement]) -> int:
    last_parts = [sibling.uid[-1] for sibling in siblings]
    return max(last_parts) + 1 if last_parts else 1


def _check_new_nested(siblings: Sequence[OntologyNestedElement], local_uid: int, feature_node_hash: str) -> None:
    if any(sibling.uid[-1] == local_uid for sibling in siblings):
        raise OntologyValueError(f"Duplicate uid '{local_uid}'")
    if any(sibling.feature_node_hash == feature_node_hash for sibling in siblings):
        raise OntologyValueError(f"Duplicate feature_node_hash '{feature_node_hash}'")


# --------------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------------


def _walk(element: OntologyElement) -> Iterator[OntologyElement]:
    """The element itself followed by all its descendants, depth first, pre-order."""
    yield element
    for child in element.children:
        yield from _walk(child)


def _check_type(found: OntologyElement, type_: type | None) -> None:
    if type_ is not None and not isinstance(found, type_):
        raise OntologyTypeError(f"Expected {type_}, got {type(found)}")


def _matching_titles(roots: Iterable[OntologyElement], title: str, type_: type | None) -> list[Any]:
    found: list[Any] = []
    for root in roots:
        for element in _walk(root):
            if element.title == title and (type_ is None or isinstance(element, type_)):
                found.append(element)
    return found


def _single_title(found: list[Any], title: str, type_: type | None) -> Any:
    if not found:
        raise OntologyError(f"No item was found in the ontology with the given title `{title}` and type `{type_}`")
    if len(found) > 1:
        raise OntologyError(
            f"More than one item was found in the ontology with the given title `{title}` and type `{type_}`. "
            f"Use `get_children_by_title` or `get_child_by_hash` instead. Matches: `{found}`"
        )
    return found[0]


@dataclass
class OntologyElement(ABC):
    """Anything in an ontology that has a feature node hash and may have children."""

    feature_node_hash: str

    @property
    @abstractmethod
    def title(self) -> str:
        """Human-readable name used by the title lookups."""

    @property
    def children(self) -> Sequence[OntologyElement]:
        """Direct children (attributes, options or nested attributes); empty by default."""
        return []

    def get_child_by_hash(self, feature_node_hash: str, type_: type[OntologyNestedElementT] | None = None) -> Any:
        """First descendant (pre-order, excluding this element) with the given hash."""
        for child in self.children:
            for element in _walk(child):
                if element.feature_node_hash == feature_node_hash:
                    _check_type(element, type_)
                    return element
        raise OntologyError("Item not found.")

    def get_children_by_title(self, title: str, type_: type[OntologyNestedElementT] | None = None) -> list[Any]:
        """All descendants whose title equals ``title`` (optionally of class ``type_``)."""
        found: list[Any] = []
        for child in self.children:
            found.extend(_matching_titles([child], title, type_))
        return found

    def get_child_by_title(self, title: str, type_: type[OntologyNestedElementT] | None = None) -> Any:
        """The single descendant whose title equals ``title``; OntologyError on none or several."""
        return _single_title(self.get_children_by_title(title, type_), title, type_)


@dataclass
class OntologyNestedElement(OntologyElement):
    """An element below an object or classification, identified by a dotted uid path."""

    uid: NestedID


OntologyElementT = TypeVar("OntologyElementT", bound=OntologyElement)
OntologyNestedElementT = TypeVar("OntologyNestedElementT", bound=OntologyNestedElement)

__all__ = [
    "NestedID",
    "OntologyAttributeError",
    "OntologyElement",
    "OntologyElementT",
    "OntologyIndexError",
    "OntologyNestedElement",
    "OntologyNestedElementT",
    "OntologyOverflowError",
]


def _append_attribute(
    siblings: list[Any],
    parent_uid: list[int],
    cls: type,
    name: str,
    local_uid: int | None,
    feature_node_hash: str | None,
    required: bool,
    dynamic: bool,
) -> Any:
    """Creates an attribute below `parent_uid` with the next free local id and a random hash unless given,
    refuses duplicates among `siblings`, and appends it to them (the one way every `add_*attribute` works)."""
    if local_uid is None:
        local_uid = _next_local_uid(siblings)
    if feature_node_hash is None:
        feature_node_hash = _random_nested_hash()
    _check_new_nested(siblings, local_uid, feature_node_hash)
    attribute = cls(
        uid=[*parent_uid, local_uid],
        feature_node_hash=feature_node_hash,
        name=name,
        required=required,
        dynamic=dynamic,
        archived=False,
    )
    siblings.append(attribute)
    return attribute
