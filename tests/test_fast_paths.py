"""The per-frame API's hot path (coordinates read straight off the coordinate objects in Rust) stores exactly
what the general path (``frame_geometry()`` dicts parsed by the core) stores, and leaves every unusual input,
error included, to the general path."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelrow.objects import ObjectInstance, OntologyStructure
from labelrow.objects.bitmask import BitmaskCoordinates
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import (
    BoundingBoxCoordinates,
    CircleCoordinates,
    Cuboid2DIsometricCoordinates,
    Cuboid2DPerspectiveCoordinates,
    CuboidCoordinates,
    EllipseCoordinates,
    PointCoordinate,
    PointCoordinate3D,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBoxCoordinates,
    SkeletonCoordinate,
    SkeletonCoordinates,
    Visibility,
    coordinates_from_frame_geometry,
    frame_geometry,
)
from labelrow.objects.frames import Range, frames_class_to_frames_list, frames_class_to_runs, frames_to_ranges
from labelrow.objects.ontology_labels_impl import LabelRowV2
from labelrow.orm.storage import CustomerProvidedVideoMetadata

SHAPES = [
    Shape.BOUNDING_BOX,
    Shape.ROTATABLE_BOUNDING_BOX,
    Shape.POINT,
    Shape.CIRCLE,
    Shape.ELLIPSE,
    Shape.POLYGON,
    Shape.POLYLINE,
    Shape.CUBOID,
    Shape.CUBOID_2D,
    Shape.SKELETON,
    Shape.BITMASK,
]


def number(rng: random.Random) -> Any:
    """Ints, floats, negative zero, huge ints: the values whose JSON type must survive."""
    pick = rng.random()
    if pick < 0.25:
        return rng.randint(-5, 5)
    if pick < 0.3:
        return -0.0
    if pick < 0.33:
        return 2**63 + rng.randint(0, 100)  # beyond i64: stored as an unsigned int
    if pick < 0.38:
        return np.float64(rng.random())  # a float subclass
    return rng.uniform(-2, 2)


def point(rng: random.Random) -> PointCoordinate:
    return PointCoordinate(x=number(rng), y=number(rng))


def coordinates(shape: Shape, rng: random.Random) -> Any:
    n = lambda: number(rng)  # noqa: E731
    if shape == Shape.BOUNDING_BOX:
        return BoundingBoxCoordinates(height=n(), width=n(), top_left_x=n(), top_left_y=n())
    if shape == Shape.ROTATABLE_BOUNDING_BOX:
        return RotatableBoundingBoxCoordinates(height=n(), width=n(), top_left_x=n(), top_left_y=n(), theta=n())
    if shape == Shape.POINT:
        return point(rng) if rng.random() < 0.7 else PointCoordinate3D(x=n(), y=n(), z=n())
    if shape == Shape.CIRCLE:
        if rng.random() < 0.3:
            return CircleCoordinates(center_x=n(), center_y=n(), radius=n())
        return CircleCoordinates(center_x=n(), center_y=n(), radius=n(), stretch=n(), theta=n())
    if shape == Shape.ELLIPSE:
        return EllipseCoordinates(center_x=n(), center_y=n(), rx=n(), ry=n(), theta=n())
    if shape == Shape.POLYGON:
        if rng.random() < 0.5:
            return PolygonCoordinates(values=[point(rng) for _ in range(rng.randint(3, 7))])
        polygons = [
            [[point(rng) for _ in range(rng.randint(3, 6))] for _ in range(rng.randint(1, 3))]
            for _ in range(rng.randint(1, 3))
        ]
        return PolygonCoordinates(polygons=polygons)
    if shape == Shape.POLYLINE:
        if rng.random() < 0.3:
            return PolylineCoordinates(
                values=[PointCoordinate3D(x=n(), y=n(), z=n()) for _ in range(rng.randint(1, 5))]
            )
        return PolylineCoordinates(values=[point(rng) for _ in range(rng.randint(1, 6))])
    if shape == Shape.CUBOID:
        triple = lambda: (n(), n(), n()) if rng.random() < 0.5 else [n(), n(), n()]  # noqa: E731
        return CuboidCoordinates(position=triple(), orientation=triple(), size=triple())
    if shape == Shape.CUBOID_2D:
        front = [point(rng) for _ in range(4)]
        if rng.random() < 0.5:
            return Cuboid2DPerspectiveCoordinates(front=front, vanishing_point=point(rng), scale_ratio=n())
        return Cuboid2DIsometricCoordinates(front=front, offset=point(rng))
    if shape == Shape.SKELETON:
        vis = [None, *Visibility]
        return SkeletonCoordinates(
            name="tmpl",
            values=[
                SkeletonCoordinate(
                    x=n(),
                    y=n(),
                    name=f"p{i}",
                    color=rng.choice([None, "#00FF00"]),
                    feature_hash=rng.choice([None, f"fh{i}"]),
                    value=rng.choice([None, f"v{i}"]),
                    visibility=rng.choice(vis),
                )
                for i in range(rng.randint(0, 5))
            ],
        )
    if shape == Shape.BITMASK:
        mask = np.random.default_rng(rng.randint(0, 10**6)).random((6, 9)) < 0.4
        return BitmaskCoordinates(mask)
    raise AssertionError(shape)


def meta(rng: random.Random) -> dict[str, Any]:
    base = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    out: dict[str, Any] = {}
    if rng.random() < 0.7:
        out["created_at"] = base + timedelta(seconds=rng.randint(0, 10**6), microseconds=rng.randint(0, 999999))
    if rng.random() < 0.3:
        out["last_edited_at"] = base.astimezone(timezone(timedelta(hours=5, minutes=30)))
    if rng.random() < 0.5:
        out["created_by"] = rng.choice(["a@b.co", "ü@x.org", ""])
    if rng.random() < 0.3:
        out["last_edited_by"] = "c@d.io"
    if rng.random() < 0.5:
        out["confidence"] = rng.choice([0.5, 1, 0.0, 2**40])
    if rng.random() < 0.5:
        out["manual_annotation"] = rng.random() < 0.5
    return out


def general_path(inst: ObjectInstance, coords: Any, frame: int, kw: dict[str, Any]) -> None:
    """What ``set_for_frames`` does without the hot path."""
    from labelrow._util import to_epoch

    m = {
        "created_at": to_epoch(kw.get("created_at")),
        "created_by": kw.get("created_by"),
        "last_edited_at": to_epoch(kw.get("last_edited_at")),
        "last_edited_by": kw.get("last_edited_by"),
        "confidence": kw.get("confidence"),
        "manual_annotation": kw.get("manual_annotation"),
    }
    inst._cell.set_frames([frame], frame_geometry(coords), m)


def entry_json(inst: ObjectInstance, frame: int, stamped_now: bool = False) -> str:
    entry = inst._cell.entry(frame)
    assert entry is not None
    if stamped_now:  # no date given: "now" may differ by a second between the two objects
        del entry["createdAt"], entry["lastEditedAt"]
    return json.dumps(entry)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.value)
def test_hot_path_stores_what_the_general_path_stores(shape: Shape) -> None:
    structure = OntologyStructure()
    thing = structure.add_object("Thing", shape)
    rng = random.Random(f"fast-{shape.value}")
    fast = ObjectInstance(thing, object_hash="fast0001")
    slow = ObjectInstance(thing, object_hash="fast0001")
    for frame in range(150):
        coords, kw = coordinates(shape, rng), meta(rng)
        kw.setdefault("created_at", datetime(2020, 1, 1, tzinfo=UTC))
        kw.setdefault("last_edited_at", datetime(2020, 1, 2, tzinfo=UTC))
        fast.set_for_frames(coords, frame, **kw)
        general_path(slow, coords, frame, kw)
        assert entry_json(fast, frame) == entry_json(slow, frame), (coords, kw)


def attached_row(shape: Shape) -> tuple[LabelRowV2, Any]:
    structure = OntologyStructure()
    thing = structure.add_object("Thing", shape)
    media = CustomerProvidedVideoMetadata(fps=1.0, duration=10.0, width=9, height=6, file_size=1, mime_type="video/mp4")
    return LabelRowV2.from_media_metadata(structure, media), thing


def test_hot_path_through_the_row_indexes_frames() -> None:
    row, thing = attached_row(Shape.BOUNDING_BOX)
    inst = ObjectInstance(thing)
    box = BoundingBoxCoordinates(height=0.1, width=0.2, top_left_x=0.3, top_left_y=0.4)
    inst.set_for_frames(box, 5)
    row.add_object_instance(inst)
    inst.set_for_frames(box, 3)
    assert [o.object_hash for o in row.get_frame_view(3).get_object_instances()] == [inst.object_hash]
    with pytest.raises(Exception, match="overwrite"):
        inst.set_for_frames(box, 3)
    with pytest.raises(Exception, match="acceptable bounds"):
        inst.set_for_frames(box, 10)
    assert inst.get_annotation_frames() == {3, 5}


BAD_VALUES = [math.nan, math.inf, "0.5", None, True, [1], np.int64(3)]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=repr)
def test_unusual_values_take_the_general_path(bad: Any) -> None:
    """Whatever the general path does with a value (accept it, convert it, reject it with its message), the
    hot path does the same: it steps aside."""
    _, thing = attached_row(Shape.BOUNDING_BOX)
    box = BoundingBoxCoordinates(height=bad, width=0.2, top_left_x=0.3, top_left_y=0.4)
    fast, slow = ObjectInstance(thing, object_hash="h"), ObjectInstance(thing, object_hash="h")
    outcome = []
    for inst, call in ((fast, lambda i: i.set_for_frames(box, 0)), (slow, lambda i: general_path(i, box, 0, {}))):
        try:
            call(inst)
            outcome.append(entry_json(inst, 0, stamped_now=True))
        except Exception as exc:
            outcome.append(f"{type(exc).__name__}: {str(exc).split(' timestamp=')[0]}")
    assert outcome[0] == outcome[1]


def test_other_frame_forms_and_date_strings_take_the_general_path() -> None:
    _, thing = attached_row(Shape.POINT)
    inst = ObjectInstance(thing)
    inst.set_for_frames(PointCoordinate(0.1, 0.2), [1, 2, 2])
    inst.set_for_frames(PointCoordinate(0.1, 0.2), 4, created_at="2024-01-02 03:04:05")  # type: ignore[arg-type]
    inst.set_for_frames(PointCoordinate(0.3, 0.2), True, overwrite=True)  # a bool is frame 1 to the reference
    assert inst.get_annotation(1).coordinates == PointCoordinate(0.3, 0.2)
    assert inst.get_annotation_frames() == {1, 2, 4}
    assert inst.get_annotation(4).created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.value)
@pytest.mark.parametrize("attached", [False, True])
def test_bulk_list_of_coordinate_objects_equals_one_by_one(shape: Shape, attached: bool) -> None:
    row_a, thing = attached_row(shape)
    row_b, _ = attached_row(shape)
    rng = random.Random(f"bulk-{shape.value}")
    frames = rng.sample(range(10), 6)
    coords = [coordinates(shape, rng) for _ in frames]
    confidences = [rng.random() for _ in frames]
    kw = {"created_at": datetime(2021, 1, 1, tzinfo=UTC), "last_edited_at": datetime(2021, 1, 1, tzinfo=UTC)}
    one = ObjectInstance(thing, object_hash="bulk0001")
    for c, f, conf in zip(coords, frames, confidences, strict=True):
        one.set_for_frames(c, f, confidence=conf, **kw)
    row_a.add_object_instance(one)
    bulk = ObjectInstance(thing, object_hash="bulk0001")
    first = 1 if attached else 0
    if attached:  # the rest through the row
        bulk.set_for_frames(coords[0], frames[0], confidence=confidences[0], **kw)
        row_b.add_object_instance(bulk)
    bulk.set_for_frames_bulk(np.array(frames[first:]), coords[first:], confidence=np.array(confidences[first:]), **kw)
    if not attached:
        row_b.add_object_instance(bulk)
    for d in (a := row_a.to_encord_dict(), b := row_b.to_encord_dict()):
        d["created_at"] = d["last_edited_at"] = "now"
    assert json.dumps(a) == json.dumps(b)


def test_bulk_list_checks_every_type_first() -> None:
    row, thing = attached_row(Shape.POINT)
    inst = ObjectInstance(thing)
    inst.set_for_frames(PointCoordinate(0.5, 0.5), 9)
    row.add_object_instance(inst)
    with pytest.raises(Exception, match="Expected coordinates of one of the following types"):
        inst.set_for_frames_bulk(np.array([0, 1]), [PointCoordinate(0.1, 0.2), CircleCoordinates(0, 0, 1)])
    assert inst.get_annotation_frames() == {9}


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.integers(-3, 40),
        st.lists(st.integers(-3, 40), max_size=12),
        st.builds(Range, st.integers(-3, 40), st.integers(-3, 40)),
        st.lists(st.builds(Range, st.integers(-3, 40), st.integers(-3, 40)), max_size=6),
    )
)
def test_runs_from_range_bounds_equal_runs_of_expanded_frames(frames: Any) -> None:
    expected = [(r.start, r.end) for r in frames_to_ranges(frames_class_to_frames_list(frames))]
    assert frames_class_to_runs(frames) == expected


@pytest.mark.parametrize("bad", [Range(0.5, 3), [Range(0, 2), 3], {1, 2}, (1, 2), 1.0])  # type: ignore[arg-type]
def test_runs_reject_what_the_frame_list_rejects(bad: Any) -> None:
    with pytest.raises(Exception) as expected:
        frames_class_to_frames_list(bad)
    with pytest.raises(type(expected.value)):
        frames_class_to_runs(bad)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.value)
def test_coordinates_read_back_as_the_dict_path_builds_them(shape: Shape) -> None:
    # Plain shapes' coordinate objects are built in the core; they must equal, field types included, what the
    # general path builds from the stored geometry's dict, and stay frozen.
    structure = OntologyStructure()
    thing = structure.add_object("Thing", shape)
    rng = random.Random(f"read-{shape.value}")
    inst = ObjectInstance(thing)
    for frame in range(60):
        inst.set_for_frames(coordinates(shape, rng), frame)
        got = inst.get_annotation(frame).coordinates
        want = coordinates_from_frame_geometry(inst._cell.geometry_entry(frame))
        if isinstance(want, PolygonCoordinates):
            want = PolygonCoordinates.from_polygons_list(inst._cell.geometry_entry(frame)["polygons"])
        assert type(got) is type(want)
        if dataclasses.is_dataclass(got):
            assert got == want
            assert {k: type(v) for k, v in vars(got).items()} == {k: type(v) for k, v in vars(want).items()}
        else:
            assert json.dumps(got.to_dict()) == json.dumps(want.to_dict())
    if dataclasses.is_dataclass(got) and type(got).__dataclass_params__.frozen:  # type: ignore[attr-defined]
        field = dataclasses.fields(got)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(got, field, 1)
