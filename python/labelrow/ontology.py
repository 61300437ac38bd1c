"""An offline ontology: an :class:`OntologyStructure` plus descriptive metadata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from labelrow.exceptions import MethodNotAllowedError
from labelrow.objects.ontology_structure import OntologyStructure, as_structure


class Ontology:
    """Holds an ontology's structure and metadata; there is no server, so nothing is fetched or saved."""

    def __init__(
        self,
        structure: Any = None,
        *,
        title: str = "",
        description: str = "",
        ontology_hash: str = "",
        created_at: datetime | None = None,
        last_edited_at: datetime | None = None,
        user_role: Any = None,
    ) -> None:
        self._structure = OntologyStructure() if structure is None else as_structure(structure)
        self._title = title
        self._description = description
        self._ontology_hash = ontology_hash
        self._created_at = created_at
        self._last_edited_at = last_edited_at
        self._user_role = user_role

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ontology:
        """Build from an ontology dict holding ``structure`` (or ``editor``) plus optional metadata keys."""
        structure = d.get("structure", d.get("editor"))
        return cls(
            OntologyStructure.from_dict(structure) if structure is not None else None,
            title=d.get("title", ""),
            description=d.get("description", ""),
            ontology_hash=d.get("ontology_hash", d.get("ontologyHash", "")),
        )

    @property
    def structure(self) -> OntologyStructure:
        """The ontology structure (objects, classifications, skeleton templates)."""
        return self._structure

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = value

    @property
    def description(self) -> str:
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value

    @property
    def ontology_hash(self) -> str:
        return self._ontology_hash

    @property
    def created_at(self) -> datetime | None:
        return self._created_at

    @property
    def last_edited_at(self) -> datetime | None:
        return self._last_edited_at

    @property
    def user_role(self) -> Any:
        return self._user_role

    def refetch_data(self) -> None:
        """Not available offline."""
        raise MethodNotAllowedError("Ontology.refetch_data needs a server connection; labelrow is offline")

    def save(self) -> None:
        """Not available offline."""
        raise MethodNotAllowedError("Ontology.save needs a server connection; labelrow is offline")

    def __repr__(self) -> str:
        return f"Ontology(title={self._title!r}, ontology_hash={self._ontology_hash!r})"


__all__ = ["Ontology"]
