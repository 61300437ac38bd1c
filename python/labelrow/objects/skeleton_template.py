"""Skeleton templates: named point layouts that skeleton objects are drawn from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from labelrow.exceptions import OntologyValueError
from labelrow.orm.storage import BaseDTO

if TYPE_CHECKING:
    from labelrow.objects.coordinates import SkeletonCoordinate, SkeletonCoordinates


class SkeletonTemplateCoordinate(BaseDTO):
    """One named point of a skeleton template."""

    x: float
    y: float
    name: str
    color: str | None = "#00000"
    value: str | None = ""
    feature_hash: str | None = None


class SkeletonTemplate(BaseDTO):
    """A skeleton layout: points (index string -> point) and edges (from -> to -> {"color": ...})."""

    name: str
    width: float
    height: float
    skeleton: dict[str, SkeletonTemplateCoordinate]
    skeleton_edges: dict[str, dict[str, dict[str, str]]]
    feature_node_hash: str | None = Field(default=None, alias="feature_node_hash")
    shape: str | None = "skeleton"

    @property
    def required_vertices(self) -> set[str]:
        """Names of all template points."""
        return {point.name for point in self.skeleton.values()}

    def create_instance(self, provided_coordinates: list[SkeletonCoordinate]) -> SkeletonCoordinates:
        """Coordinates for an instance: the point names must match the template exactly."""
        from labelrow.objects.coordinates import SkeletonCoordinate, SkeletonCoordinates

        provided = {coordinate.name for coordinate in provided_coordinates}
        required = self.required_vertices
        if provided != required:
            raise OntologyValueError(
                f"Provided vertices do not match the template's vertices, difference is {provided ^ required}"
            )
        hash_by_name = {point.name: point.feature_hash for point in self.skeleton.values()}
        values = [
            SkeletonCoordinate(x=c.x, y=c.y, name=c.name, feature_hash=hash_by_name[c.name])
            for c in provided_coordinates
        ]
        return SkeletonCoordinates(values=values, name=self.name)


__all__ = ["SkeletonTemplate", "SkeletonTemplateCoordinate"]
