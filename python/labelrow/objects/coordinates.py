"""Coordinate classes for every label shape, and their label-row dict forms (mirrors ``encord.objects.coordinates``).

Two functions form the contract with the Rust core:

* ``frame_geometry(coordinates)`` - the geometry key(s) of a frame-object entry exactly as written in a
  label-row dict (``{"boundingBox": {...}}``, ``{"polygon": {...}, "polygons": [...]}``, ...). Values keep their
  Python types. Range coordinates give ``{"range": [[s, e], ...]}`` (HTML: ``{"range_html": [...], "range": []}``).
* ``coordinates_from_frame_geometry(entry)`` - the inverse, reading an entry (its ``shape`` key plus geometry keys).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from labelrow import _core
from labelrow.exceptions import (
    EncordException,
    LabelRowError,
    LabelRowKeyError,
    LabelRowNotImplementedError,
    LabelRowTypeError,
    LabelRowValueError,
)
from labelrow.objects.bitmask import BitmaskCoordinates
from labelrow.objects.common import Shape
from labelrow.objects.frames import Range, Ranges, ranges_list_to_ranges, ranges_to_list
from labelrow.objects.html_node import HtmlRange
from labelrow.orm.storage import BaseDTO, CamelStrEnum

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------------------------
# points


@dataclass(frozen=True)
class PointCoordinate:
    """A 2-D point (by convention relative to the media size, 0-1)."""

    x: float
    y: float

    @staticmethod
    def from_dict(d: dict) -> PointCoordinate:
        """From a frame object: reads ``d["point"]["0"]`` (extra keys such as ``z`` ignored)."""
        point = d["point"]["0"]
        return PointCoordinate(x=point["x"], y=point["y"])

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{"0": {"x", "y"}}``."""
        return {"0": {"x": self.x, "y": self.y}}


@dataclass(frozen=True)
class PointCoordinate3D:
    """A 3-D point."""

    x: float
    y: float
    z: float

    @staticmethod
    def from_dict(d: dict) -> PointCoordinate3D:
        """From a frame object: reads ``d["point"]["0"]`` (``z`` required)."""
        point = d["point"]["0"]
        return PointCoordinate3D(x=point["x"], y=point["y"], z=point["z"])

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{"0": {"x", "y", "z"}}``."""
        return {"0": {"x": self.x, "y": self.y, "z": self.z}}


def _point_dict(point: PointCoordinate | PointCoordinate3D) -> dict[str, Any]:
    if isinstance(point, PointCoordinate3D):
        return {"x": point.x, "y": point.y, "z": point.z}
    return {"x": point.x, "y": point.y}


def _xy(point: PointCoordinate | PointCoordinate3D) -> dict[str, Any]:
    return {"x": point.x, "y": point.y}


def flat_to_pnt_coordinates(ring: list[float]) -> list[PointCoordinate]:
    """``[x0, y0, x1, y1, ...]`` → points (an odd length raises IndexError)."""
    return [PointCoordinate(x=ring[i], y=ring[i + 1]) for i in range(0, len(ring), 2)]


def pnt_coordinates_to_flat(coordinates: list[PointCoordinate]) -> list[float]:
    """Points → ``[x0, y0, x1, y1, ...]``."""
    flat: list[float] = []
    for point in coordinates:
        flat.append(point.x)
        flat.append(point.y)
    return flat


def _index_sorted_values(points: dict) -> list:
    """Values of an index-keyed dict ordered by integer key (``"10"`` after ``"2"``)."""
    return [points[key] for key in sorted(points, key=int)]


# ----------------------------------------------------------------------------------------------------------------
# boxes, circles, ellipses


@dataclass(frozen=True)
class BoundingBoxCoordinates:
    """Axis-aligned box given by its size and top-left corner."""

    height: float
    width: float
    top_left_x: float
    top_left_y: float

    @staticmethod
    def from_dict(d: dict) -> BoundingBoxCoordinates:
        """From a frame object's ``boundingBox`` (keys ``h, w, x, y`` required)."""
        box = d["boundingBox"]
        return BoundingBoxCoordinates(height=box["h"], width=box["w"], top_left_x=box["x"], top_left_y=box["y"])

    def to_dict(self) -> dict[str, Any]:
        """``{"h", "w", "x", "y"}``."""
        return {"h": self.height, "w": self.width, "x": self.top_left_x, "y": self.top_left_y}


@dataclass(frozen=True)
class RotatableBoundingBoxCoordinates:
    """A box rotated by ``theta`` degrees about its centre."""

    height: float
    width: float
    top_left_x: float
    top_left_y: float
    theta: float

    @staticmethod
    def from_dict(d: dict) -> RotatableBoundingBoxCoordinates:
        """From a frame object's ``rotatableBoundingBox`` (keys ``h, w, x, y, theta`` required)."""
        box = d["rotatableBoundingBox"]
        return RotatableBoundingBoxCoordinates(
            height=box["h"], width=box["w"], top_left_x=box["x"], top_left_y=box["y"], theta=box["theta"]
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"h", "w", "x", "y", "theta"}``."""
        return {"h": self.height, "w": self.width, "x": self.top_left_x, "y": self.top_left_y, "theta": self.theta}


@dataclass(frozen=True)
class CircleCoordinates:
    """A circle, optionally stretched and rotated (``theta``)."""

    center_x: float
    center_y: float
    radius: float
    stretch: float = 1.0
    theta: float = 0.0

    @staticmethod
    def from_dict(d: dict) -> CircleCoordinates:
        """From a frame object's ``circle`` (``x, y, r`` required; ``stretch``/``theta`` default 1.0/0.0)."""
        circle = d["circle"]
        return CircleCoordinates(
            center_x=circle["x"],
            center_y=circle["y"],
            radius=circle["r"],
            stretch=circle.get("stretch", 1.0),
            theta=circle.get("theta", 0.0),
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"x", "y", "r", "stretch", "theta"}``."""
        return {"x": self.center_x, "y": self.center_y, "r": self.radius, "stretch": self.stretch, "theta": self.theta}


@dataclass(frozen=True)
class EllipseCoordinates:
    """An ellipse with radii ``rx``/``ry`` rotated by ``theta``."""

    center_x: float
    center_y: float
    rx: float
    ry: float
    theta: float = 0.0

    @staticmethod
    def from_dict(d: dict) -> EllipseCoordinates:
        """From a frame object's ``ellipse`` (``x, y, rx, ry`` required; ``theta`` defaults to 0.0)."""
        ellipse = d["ellipse"]
        return EllipseCoordinates(
            center_x=ellipse["x"],
            center_y=ellipse["y"],
            rx=ellipse["rx"],
            ry=ellipse["ry"],
            theta=ellipse.get("theta", 0.0),
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"x", "y", "rx", "ry", "theta"}``."""
        return {"x": self.center_x, "y": self.center_y, "rx": self.rx, "ry": self.ry, "theta": self.theta}


# ----------------------------------------------------------------------------------------------------------------
# polygons and polylines


class PolygonCoordsToDict(str, Enum):  # noqa: UP042 - keep Enum str()
    """Which dict form ``PolygonCoordinates.to_dict`` produces."""

    single_polygon = "single_polygon"
    multiple_polygons = "multiple_polygons"


class PolygonCoordinates:
    """One or more polygons, each an outer ring followed by hole rings.

    ``values`` is the outer ring of the first polygon; ``polygons`` is polygon → ring → point. Giving only
    ``values`` makes ``polygons = [[values]]``; giving only ``polygons`` makes ``values = polygons[0][0]``; when
    both disagree ``polygons`` wins (a warning is logged).
    """

    def __init__(
        self,
        values: list[PointCoordinate] | None = None,
        polygons: list[list[list[PointCoordinate]]] | None = None,
    ) -> None:
        if not values and not polygons:
            raise LabelRowError("Either `values` or `polygons` must be provided")
        if not polygons:
            assert values  # narrowed by the check above
            self._values = values
            self._polygons = [[values]]
            return
        first_ring = polygons[0][0]
        if values and values != first_ring:
            logger.warning("`values` and `polygons` are not consistent, defaulting to polygons value")
        self._values = first_ring
        self._polygons = polygons

    @property
    def values(self) -> list[PointCoordinate]:
        """Outer ring of the first polygon."""
        return self._values

    @property
    def polygons(self) -> list[list[list[PointCoordinate]]]:
        """All polygons: polygon → rings (outer first) → points."""
        return self._polygons

    @staticmethod
    def from_dict(d: dict) -> PolygonCoordinates:
        """From a frame object's ``polygon`` (index-keyed dict or list of points) and/or ``polygons`` (flat rings)."""
        polygon = d.get("polygon")
        values: list[PointCoordinate] | None
        if polygon is None:
            values = None
        elif isinstance(polygon, dict):
            values = [PointCoordinate(x=p["x"], y=p["y"]) for p in _index_sorted_values(polygon)]
        elif isinstance(polygon, list):
            values = [PointCoordinate(x=p["x"], y=p["y"]) for p in polygon]
        else:
            raise LabelRowError(f"Invalid format for polygon coordinates: {polygon}")
        flat_polygons = d.get("polygons")
        polygons = None
        if flat_polygons is not None:
            polygons = [[flat_to_pnt_coordinates(ring) for ring in polygon_] for polygon_ in flat_polygons]
        return PolygonCoordinates(values=values, polygons=polygons)

    @staticmethod
    def from_polygons_list(flat_polygons: list[list[list[float]]]) -> PolygonCoordinates:
        """From ``[[flat outer ring, flat hole, ...], ...]``."""
        return PolygonCoordinates(
            polygons=[[flat_to_pnt_coordinates(ring) for ring in polygon] for polygon in flat_polygons]
        )

    def to_dict(
        self, kind: PolygonCoordsToDict | str = PolygonCoordsToDict.single_polygon
    ) -> dict[str, Any] | list[list[list[float]]]:
        """``single_polygon``: index-keyed dict of ``values``; ``multiple_polygons``: flat rings per polygon."""
        if kind == PolygonCoordsToDict.single_polygon:
            return {str(i): _xy(point) for i, point in enumerate(self._values)}
        if kind == PolygonCoordsToDict.multiple_polygons:
            return [[pnt_coordinates_to_flat(ring) for ring in polygon] for polygon in self._polygons]
        raise LabelRowError(f"Invalid argument: {kind}")


@dataclass(frozen=True)
class PolylineCoordinates:
    """An open line through 2-D or 3-D points."""

    values: list[PointCoordinate] | list[PointCoordinate3D]

    @staticmethod
    def from_dict(d: dict) -> PolylineCoordinates:
        """From a frame object's ``polyline`` (index-keyed dict or list); points all 2-D or all 3-D."""
        polyline = d["polyline"]
        if isinstance(polyline, dict):
            points = _index_sorted_values(polyline)
        elif isinstance(polyline, list):
            points = polyline
        else:
            raise LabelRowError(f"Invalid format for polyline coordinates: {polyline}")
        if all("x" in p and "y" in p and "z" in p for p in points):
            return PolylineCoordinates(values=[PointCoordinate3D(x=p["x"], y=p["y"], z=p["z"]) for p in points])
        if all("x" in p and "y" in p and "z" not in p for p in points):
            return PolylineCoordinates(values=[PointCoordinate(x=p["x"], y=p["y"]) for p in points])
        raise LabelRowError(f"Invalid point format in polyline coordinates: {points}")

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{"0": {"x", "y"[, "z"]}, ...}``."""
        points: list[PointCoordinate | PointCoordinate3D] = list(self.values)
        return {str(i): _point_dict(point) for i, point in enumerate(points)}


# ----------------------------------------------------------------------------------------------------------------
# cuboids


@dataclass(frozen=True)
class CuboidCoordinates:
    """A 3-D box: centre ``position``, Euler ``orientation`` (radians) and ``size``."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float]
    size: tuple[float, float, float]

    @staticmethod
    def from_dict(d: dict) -> CuboidCoordinates:
        """From a frame object's ``cuboid`` (values taken as given)."""
        cuboid = d["cuboid"]
        return CuboidCoordinates(position=cuboid["position"], orientation=cuboid["orientation"], size=cuboid["size"])

    def to_dict(self) -> dict[str, Any]:
        """``{"position", "orientation", "size"}`` (values as stored)."""
        return {"position": self.position, "orientation": self.orientation, "size": self.size}


@dataclass(frozen=True)
class Cuboid2DPerspectiveCoordinates:
    """A 2-D drawn cuboid: front face plus a vanishing point and depth scale."""

    front: list[PointCoordinate]
    vanishing_point: PointCoordinate
    scale_ratio: float

    def to_dict(self) -> dict[str, Any]:
        """``{"front": [flat], "vanishingPoint": {"x", "y"}, "scaleRatio"}``."""
        return {
            "front": pnt_coordinates_to_flat(self.front),
            "vanishingPoint": _xy(self.vanishing_point),
            "scaleRatio": self.scale_ratio,
        }


@dataclass(frozen=True)
class Cuboid2DIsometricCoordinates:
    """A 2-D drawn cuboid: front face plus the offset of the back face."""

    front: list[PointCoordinate]
    offset: PointCoordinate

    def to_dict(self) -> dict[str, Any]:
        """``{"front": [flat], "offset": {"x", "y"}}``."""
        return {"front": pnt_coordinates_to_flat(self.front), "offset": _xy(self.offset)}


Cuboid2DCoordinates = Union[Cuboid2DPerspectiveCoordinates, Cuboid2DIsometricCoordinates]  # noqa: UP007


def is_perspective(cuboid: dict) -> bool:
    """Whether a ``cuboid_2d`` dict is the perspective variant (has ``vanishingPoint``)."""
    return "vanishingPoint" in cuboid


def is_offset(cuboid: dict) -> bool:
    """Whether a ``cuboid_2d`` dict is the isometric variant (has ``offset``)."""
    return "offset" in cuboid


def cuboid_2d_coordinates_from_dict(d: dict) -> Cuboid2DCoordinates:
    """From a frame object's ``cuboid_2d``; perspective wins when both variants are present."""
    cuboid = d["cuboid_2d"]
    front = flat_to_pnt_coordinates(cuboid["front"])
    if is_perspective(cuboid):
        vanishing = cuboid["vanishingPoint"]
        vanishing_point = PointCoordinate(x=vanishing["x"], y=vanishing["y"])
        scale_ratio = cuboid.get("scaleRatio")
        if scale_ratio is None:
            raise LabelRowError("Cuboid2D perspective projection requires scaleRatio")
        return Cuboid2DPerspectiveCoordinates(front=front, vanishing_point=vanishing_point, scale_ratio=scale_ratio)
    if is_offset(cuboid):
        offset = cuboid["offset"]
        return Cuboid2DIsometricCoordinates(front=front, offset=PointCoordinate(x=offset["x"], y=offset["y"]))
    raise LabelRowError("Cuboid2D must have either (vanishingPoint and scaleRatio) or offset")


# ----------------------------------------------------------------------------------------------------------------
# skeletons


class Visibility(CamelStrEnum):
    """Visibility of one skeleton point."""

    VISIBLE = "visible"
    INVISIBLE = "invisible"
    OCCLUDED = "occluded"
    SELF_OCCLUDED = "selfOccluded"


class SkeletonCoordinate(BaseDTO):
    """One named point of a skeleton (x/y coerced to float)."""

    x: float
    y: float
    name: str
    color: str | None = None
    feature_hash: str | None = None
    value: str | None = None
    visibility: Visibility | None = None


class SkeletonCoordinates(BaseDTO):
    """The points of a skeleton instance and the template name."""

    values: list[SkeletonCoordinate]
    name: str

    def to_dict(self, by_alias: bool = True, exclude_none: bool = True) -> dict[str, Any]:
        """``{"0": {"x", "y", "name"[, "color"][, "featureHash"][, "value"][, "visibility"]}, ...}``."""
        return {str(i): point.to_dict() for i, point in enumerate(self.values)}


_VISIBILITY_FLAGS = (
    ("invisible", Visibility.INVISIBLE),
    ("occluded", Visibility.OCCLUDED),
    ("selfOccluded", Visibility.SELF_OCCLUDED),
    ("visible", Visibility.VISIBLE),
)


def _skeleton_from_frame_object(d: dict) -> SkeletonCoordinates:
    points = []
    for raw in d["skeleton"].values():
        point = dict(raw)
        for flag, visibility in _VISIBILITY_FLAGS:
            if point.get(flag):
                point["visibility"] = visibility
                break
        points.append(point)
    return SkeletonCoordinates.from_dict({"name": d["name"], "values": points})


# ----------------------------------------------------------------------------------------------------------------
# range coordinates (audio, time series, text, HTML)


class AudioCoordinates(BaseDTO):
    """Sample (or millisecond) ranges of an audio object."""

    range: list[Range]


class TimeRangeCoordinates(BaseDTO):
    """Time ranges of a time-series object."""

    range: list[Range]


class TextCoordinates(BaseDTO):
    """Character ranges of a plain-text object."""

    range: list[Range]


class HtmlCoordinates(BaseDTO):
    """Node ranges of an object on an HTML document."""

    range: list[HtmlRange]


NON_GEOMETRIC_COORDINATES = {AudioCoordinates, TimeRangeCoordinates, TextCoordinates, HtmlCoordinates}

# ----------------------------------------------------------------------------------------------------------------
# unions and shape mapping

Coordinates = Union[  # noqa: UP007
    AudioCoordinates,
    TimeRangeCoordinates,
    TextCoordinates,
    HtmlCoordinates,
    BoundingBoxCoordinates,
    RotatableBoundingBoxCoordinates,
    CircleCoordinates,
    EllipseCoordinates,
    PointCoordinate,
    PointCoordinate3D,
    PolygonCoordinates,
    PolylineCoordinates,
    SkeletonCoordinates,
    BitmaskCoordinates,
    CuboidCoordinates,
    Cuboid2DPerspectiveCoordinates,
    Cuboid2DIsometricCoordinates,
]

GeometricCoordinates = Union[  # noqa: UP007
    BoundingBoxCoordinates,
    RotatableBoundingBoxCoordinates,
    CircleCoordinates,
    EllipseCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    SkeletonCoordinates,
    BitmaskCoordinates,
    Cuboid2DPerspectiveCoordinates,
    Cuboid2DIsometricCoordinates,
]

EventCoordinates = Union[  # noqa: UP007
    BoundingBoxCoordinates,
    RotatableBoundingBoxCoordinates,
    PointCoordinate,
    PointCoordinate3D,
    CircleCoordinates,
    EllipseCoordinates,
    PolylineCoordinates,
    CuboidCoordinates,
]

UpsertEventCoordinates = Union[CuboidCoordinates, PointCoordinate3D, PolylineCoordinates]  # noqa: UP007

ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS: dict[Shape, list[type]] = {
    Shape.BOUNDING_BOX: [BoundingBoxCoordinates],
    Shape.ROTATABLE_BOUNDING_BOX: [RotatableBoundingBoxCoordinates],
    Shape.CIRCLE: [CircleCoordinates],
    Shape.ELLIPSE: [EllipseCoordinates],
    Shape.POINT: [PointCoordinate, PointCoordinate3D],
    Shape.POLYGON: [PolygonCoordinates],
    Shape.POLYLINE: [PolylineCoordinates],
    Shape.SKELETON: [SkeletonCoordinates],
    Shape.BITMASK: [BitmaskCoordinates],
    Shape.CUBOID: [CuboidCoordinates],
    Shape.CUBOID_2D: [Cuboid2DPerspectiveCoordinates, Cuboid2DIsometricCoordinates],
    Shape.AUDIO: [AudioCoordinates],
    Shape.TIME_RANGE: [TimeRangeCoordinates],
    Shape.TEXT: [TextCoordinates, HtmlCoordinates],
    Shape.SEGMENTATION: [],
}

EVENT_SHAPES = frozenset(
    {
        Shape.BOUNDING_BOX,
        Shape.ROTATABLE_BOUNDING_BOX,
        Shape.POINT,
        Shape.CIRCLE,
        Shape.ELLIPSE,
        Shape.POLYLINE,
        Shape.CUBOID,
    }
)

_GEOMETRY_KEYS = frozenset(
    {
        "boundingBox",
        "rotatableBoundingBox",
        "polygon",
        "polygons",
        "polyline",
        "point",
        "skeleton",
        "bitmask",
        "cuboid",
        "cuboid_2d",
        "circle",
        "ellipse",
    }
)


def zeroed_coordinates(shape: Shape) -> EventCoordinates:
    """All-zero coordinates of an event-capable shape (used for ``delete`` events)."""
    if shape == Shape.BOUNDING_BOX:
        return BoundingBoxCoordinates(0, 0, 0, 0)
    if shape == Shape.ROTATABLE_BOUNDING_BOX:
        return RotatableBoundingBoxCoordinates(0, 0, 0, 0, 0)
    if shape == Shape.POINT:
        return PointCoordinate(0, 0)
    if shape == Shape.CIRCLE:
        return CircleCoordinates(0, 0, 0, 0, 0)
    if shape == Shape.ELLIPSE:
        return EllipseCoordinates(0, 0, 0, 0, 0)
    if shape == Shape.POLYLINE:
        return PolylineCoordinates(values=[])
    if shape == Shape.CUBOID:
        return CuboidCoordinates((0, 0, 0), (0, 0, 0), (0, 0, 0))
    supported = sorted(s.value for s in EVENT_SHAPES)
    raise LabelRowError(f"Shape `{shape}` cannot be stored as an event-based label; only {supported} are supported.")


# ----------------------------------------------------------------------------------------------------------------
# frame-object geometry (contract with the Rust core)


def frame_geometry(coordinates: Coordinates) -> dict[str, Any]:
    """Geometry key(s) of a frame-object entry for these coordinates, as in a label-row dict."""
    if isinstance(coordinates, BoundingBoxCoordinates):
        return {"boundingBox": coordinates.to_dict()}
    if isinstance(coordinates, RotatableBoundingBoxCoordinates):
        return {"rotatableBoundingBox": coordinates.to_dict()}
    if isinstance(coordinates, PolygonCoordinates):
        return {
            "polygon": coordinates.to_dict(PolygonCoordsToDict.single_polygon),
            "polygons": coordinates.to_dict(PolygonCoordsToDict.multiple_polygons),
        }
    if isinstance(coordinates, PolylineCoordinates):
        return {"polyline": coordinates.to_dict()}
    if isinstance(coordinates, (PointCoordinate, PointCoordinate3D)):
        return {"point": coordinates.to_dict()}
    if isinstance(coordinates, CircleCoordinates):
        return {"circle": coordinates.to_dict()}
    if isinstance(coordinates, EllipseCoordinates):
        return {"ellipse": coordinates.to_dict()}
    if isinstance(coordinates, BitmaskCoordinates):
        return {"bitmask": coordinates.to_dict()}
    if isinstance(coordinates, SkeletonCoordinates):
        return {"skeleton": coordinates.to_dict()}
    if isinstance(coordinates, CuboidCoordinates):
        return {"cuboid": coordinates.to_dict()}
    if isinstance(coordinates, (Cuboid2DPerspectiveCoordinates, Cuboid2DIsometricCoordinates)):
        return {"cuboid_2d": coordinates.to_dict()}
    if isinstance(coordinates, (AudioCoordinates, TimeRangeCoordinates, TextCoordinates)):
        return {"range": ranges_to_list(coordinates.range)}
    if isinstance(coordinates, HtmlCoordinates):
        return {"range_html": [r.to_dict() for r in coordinates.range], "range": []}
    raise LabelRowNotImplementedError(f"No frame geometry for coordinates of type {type(coordinates)}")


_SHAPE_PARSERS: dict[str, Callable[[dict], Any]] = {
    Shape.BOUNDING_BOX.value: BoundingBoxCoordinates.from_dict,
    Shape.ROTATABLE_BOUNDING_BOX.value: RotatableBoundingBoxCoordinates.from_dict,
    Shape.POLYGON.value: PolygonCoordinates.from_dict,
    Shape.POLYLINE.value: PolylineCoordinates.from_dict,
    Shape.POINT.value: lambda d: (
        PointCoordinate3D.from_dict(d) if "z" in d["point"]["0"] else PointCoordinate.from_dict(d)
    ),
    Shape.CIRCLE.value: CircleCoordinates.from_dict,
    Shape.ELLIPSE.value: EllipseCoordinates.from_dict,
    Shape.CUBOID_2D.value: cuboid_2d_coordinates_from_dict,
}

_RANGE_CLASSES: dict[str, type[AudioCoordinates | TimeRangeCoordinates | TextCoordinates]] = {
    Shape.AUDIO.value: AudioCoordinates,
    Shape.TIME_RANGE.value: TimeRangeCoordinates,
    Shape.TEXT.value: TextCoordinates,
}


def _parse_geometry(entry: dict, *, allow_ranges: bool, allow_cuboid: bool = True) -> Coordinates:
    shape = entry["shape"]
    parser = _SHAPE_PARSERS.get(shape) if isinstance(shape, str) else None
    if parser is not None:
        return parser(entry)
    if "skeleton" in entry:
        return _skeleton_from_frame_object(entry)
    if "bitmask" in entry:
        return BitmaskCoordinates.from_dict(entry)
    if "cuboid" in entry:
        cuboid = CuboidCoordinates.from_dict(entry)
        if not allow_cuboid:
            raise LabelRowNotImplementedError("Cuboid is not a two dimensional coordinate.")
        return cuboid
    if shape == Shape.SEGMENTATION.value:
        raise LabelRowValueError("Segmentation do not have a Coordinates class")
    if allow_ranges and isinstance(shape, str):
        if shape == Shape.TEXT.value and entry.get("range_html") is not None:
            return HtmlCoordinates(range=[HtmlRange.from_dict(r) for r in entry["range_html"]])
        range_class = _RANGE_CLASSES.get(shape)
        if range_class is not None:
            return range_class(range=ranges_list_to_ranges(entry["range"]))
    raise LabelRowNotImplementedError(f"Getting coordinates for `{entry}` is not supported yet.")


def _wrapped(entry: dict, *, allow_ranges: bool, allow_cuboid: bool = True) -> Coordinates:
    """Parse, re-raising bare built-in errors as labelrow errors that still derive from the built-in."""
    try:
        return _parse_geometry(entry, allow_ranges=allow_ranges, allow_cuboid=allow_cuboid)
    except (LabelRowError, EncordException):
        raise
    except KeyError as e:
        raise LabelRowKeyError(f"Missing key {e.args[0]!r} in frame object geometry") from e
    except NotImplementedError as e:
        raise LabelRowNotImplementedError(str(e)) from e
    except TypeError as e:
        raise LabelRowTypeError(f"Malformed frame object geometry: {e}") from e
    except ValueError as e:
        raise LabelRowValueError(f"Malformed frame object geometry: {e}") from e


def coordinates_from_frame_geometry(entry: dict) -> Coordinates:
    """Coordinates of a frame-object entry (its ``shape`` plus geometry keys); inverse of ``frame_geometry``.

    Selection: by ``shape`` for box/rotated box/polygon/polyline/point/circle/ellipse/cuboid_2d, else by a
    ``skeleton``, ``bitmask`` or ``cuboid`` key; ``segmentation`` → ValueError. Range shapes (audio,
    time_range, text — HTML when ``range_html`` is present) are read from ``range``; anything else →
    NotImplementedError.
    """
    return _wrapped(entry, allow_ranges=True)


def get_coordinates_from_frame_object_dict(frame_object_dict: dict) -> Coordinates:
    """Geometric coordinates of a frame-object entry (range shapes → NotImplementedError)."""
    return _wrapped(frame_object_dict, allow_ranges=False)


def get_geometric_coordinates_from_frame_object_dict(frame_object_dict: dict) -> GeometricCoordinates:
    """Like ``get_coordinates_from_frame_object_dict`` but 3-D cuboids → NotImplementedError."""
    return _wrapped(frame_object_dict, allow_ranges=False, allow_cuboid=False)  # type: ignore[return-value]


def frame_object_coordinates(frame_object_dict: dict) -> Coordinates:
    """Same as ``get_coordinates_from_frame_object_dict``."""
    return _wrapped(frame_object_dict, allow_ranges=False)


def add_coordinates_to_frame_object_dict(
    coordinates: Coordinates, base_frame_object: dict, width: int | None, height: int | None
) -> dict:
    """Add the geometry keys and ``shape`` to ``base_frame_object`` (in place); bitmasks must match the media."""
    if isinstance(coordinates, BitmaskCoordinates):
        if width is None or height is None:
            raise LabelRowError("Bitmask annotations require image width and height.")
        encoded = coordinates.to_dict()
        if encoded["height"] != height or encoded["width"] != width:
            raise LabelRowValueError("Bitmask dimensions don't match the media dimensions")
    if type(coordinates) in NON_GEOMETRIC_COORDINATES:
        raise LabelRowNotImplementedError(f"adding coordinates for this type not yet implemented {type(coordinates)}")
    base_frame_object.update(frame_geometry(coordinates))
    base_frame_object["shape"] = _shape_of(coordinates).value
    return base_frame_object


def _shape_of(coordinates: Coordinates) -> Shape:
    for shape, classes in ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.items():
        if type(coordinates) in classes:
            return shape
    raise LabelRowNotImplementedError(f"Unknown coordinates type {type(coordinates)}")


# The core reads these classes' fields directly on the per-frame API's hot path (src/python/coords.rs); every
# other class, and any unusual value, goes through frame_geometry().
_core.register_coordinate_classes(
    {
        BoundingBoxCoordinates: "bounding_box",
        RotatableBoundingBoxCoordinates: "rotatable_bounding_box",
        PointCoordinate: "point",
        PointCoordinate3D: "point_3d",
        CircleCoordinates: "circle",
        EllipseCoordinates: "ellipse",
        PolygonCoordinates: "polygon",
        PolylineCoordinates: "polyline",
        CuboidCoordinates: "cuboid",
        Cuboid2DPerspectiveCoordinates: "cuboid_2d_perspective",
        Cuboid2DIsometricCoordinates: "cuboid_2d_isometric",
        SkeletonCoordinates: "skeleton",
        BitmaskCoordinates: "bitmask",
    }
)

__all__ = [
    "ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS",
    "EVENT_SHAPES",
    "NON_GEOMETRIC_COORDINATES",
    "AudioCoordinates",
    "BitmaskCoordinates",
    "BoundingBoxCoordinates",
    "CircleCoordinates",
    "Coordinates",
    "Cuboid2DCoordinates",
    "Cuboid2DIsometricCoordinates",
    "Cuboid2DPerspectiveCoordinates",
    "CuboidCoordinates",
    "EllipseCoordinates",
    "EventCoordinates",
    "GeometricCoordinates",
    "HtmlCoordinates",
    "PointCoordinate",
    "PointCoordinate3D",
    "PolygonCoordinates",
    "PolygonCoordsToDict",
    "PolylineCoordinates",
    "Range",
    "Ranges",
    "RotatableBoundingBoxCoordinates",
    "SkeletonCoordinate",
    "SkeletonCoordinates",
    "TextCoordinates",
    "TimeRangeCoordinates",
    "UpsertEventCoordinates",
    "Visibility",
    "add_coordinates_to_frame_object_dict",
    "coordinates_from_frame_geometry",
    "cuboid_2d_coordinates_from_dict",
    "flat_to_pnt_coordinates",
    "frame_geometry",
    "frame_object_coordinates",
    "get_coordinates_from_frame_object_dict",
    "get_geometric_coordinates_from_frame_object_dict",
    "is_offset",
    "is_perspective",
    "pnt_coordinates_to_flat",
    "zeroed_coordinates",
]
