"""Objects over ranges rather than frames (audio, text, HTML and time-series shapes).

Such an object keeps one annotation, on frame 0, whose coordinates are its ranges; writing coordinates
replaces the ranges. These helpers hold the reference's rules for them, so that `ObjectInstance` only
dispatches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelrow.exceptions import LabelRowError
from labelrow.objects.coordinates import (
    ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS,
    NON_GEOMETRIC_COORDINATES,
    AudioCoordinates,
    HtmlCoordinates,
    TextCoordinates,
    TimeRangeCoordinates,
    frame_geometry,
)

if TYPE_CHECKING:
    from labelrow.objects.ontology_labels_impl import LabelRowV2
    from labelrow.objects.ontology_object_instance import ObjectInstance

RANGE_SHAPES = frozenset({"audio", "time_range", "text"})
_PLAIN_RANGE_COORDINATES = (AudioCoordinates, TextCoordinates, TimeRangeCoordinates)


def shape_name(instance: ObjectInstance) -> str:
    shape = instance.ontology_item.shape
    return str(getattr(shape, "value", shape))


def check_range_call(coordinates: Any, frames: Any) -> None:
    """The first checks of `set_for_frames` on a range-shaped object."""
    if not isinstance(coordinates, tuple(NON_GEOMETRIC_COORDINATES)):
        raise LabelRowError("Expecting non-geometric coordinate type")
    if frames != 0:
        raise LabelRowError(
            "For objects with a non-geometric shape (e.g. text and audio), there is only one frame. "
            "Please ensure `set_for_frames` is called with `frames=0`."
        )


def check_coordinate_type(instance: ObjectInstance, coordinates: Any, parent: LabelRowV2 | None) -> None:
    """Coordinates must suit the object's shape, and text coordinates the document type of the row."""
    acceptable = ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.get(instance.ontology_item.shape, [])
    if not any(isinstance(coordinates, cls) for cls in acceptable):
        names = ", ".join(c.__name__ for c in acceptable)
        raise LabelRowError(
            f"Expected coordinates of one of the following types: `[{names}]`, but got type `{type(coordinates)}`."
        )
    html_row = parent is not None and parent.file_type == "text/html"
    if isinstance(coordinates, TextCoordinates) and html_row:
        raise LabelRowError(
            f"Expected coordinates of type {HtmlCoordinates.__name__} on an HTML document, but got type "
            f"`{type(coordinates)}`."
        )
    if isinstance(coordinates, HtmlCoordinates) and parent is not None and not html_row:
        raise LabelRowError(
            "For non-html labels, ensure the `range` property is set when instantiating the TextCoordinates."
        )


def range_geometry(instance: ObjectInstance, coordinates: Any, overwrite: bool) -> dict[str, Any]:
    """Checks a range write (in the reference's order) and returns the geometry the core stores."""
    if not overwrite and instance._cell.meta(0) is not None:
        raise LabelRowError("Cannot overwrite existing data for a frame. Set `overwrite` to `True` to overwrite.")
    check_coordinate_type(instance, coordinates, instance._parent)
    if isinstance(coordinates, _PLAIN_RANGE_COORDINATES):
        for r in coordinates.range:
            instance.check_within_range(r.end)
    return {"shape": shape_name(instance), **frame_geometry(coordinates)}


def range_list(instance: ObjectInstance) -> Any:
    """The object's ranges (`None` when it has none, or has HTML ranges instead)."""
    if instance._cell.meta(0) is None:
        return None
    coordinates = instance.get_annotation(0).coordinates
    return coordinates.range if isinstance(coordinates, _PLAIN_RANGE_COORDINATES) else None


def range_html(instance: ObjectInstance) -> Any:
    if not instance.is_range_only() or instance._cell.meta(0) is None:
        return None
    coordinates = instance.get_annotation(0).coordinates
    return coordinates.range if isinstance(coordinates, HtmlCoordinates) else None


def check_html_file_type(row: LabelRowV2, instance: ObjectInstance) -> None:
    """An object joins an HTML document if and only if it has HTML ranges."""
    has_html = instance.range_html is not None
    if row.file_type == "text/html" and not has_html:
        raise LabelRowError(
            "Unable to assign object instance without a html range to a html file. Please ensure the object "
            f"instance exists on frame=0, and has coordinates of type {HtmlCoordinates.__name__}."
        )
    if row.file_type != "text/html" and has_html:
        raise LabelRowError(
            "Unable to assign object instance with a html range to a non-html file. Please ensure the object "
            f"instance does not have coordinates of type {HtmlCoordinates.__name__}."
        )
