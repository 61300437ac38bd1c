"""Bulk ingestion from numpy gives exactly what the same annotations added one by one give."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects import LabelRowV2, ObjectInstance, OntologyStructure
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import (
    BoundingBoxCoordinates,
    CircleCoordinates,
    Cuboid2DIsometricCoordinates,
    Cuboid2DPerspectiveCoordinates,
    CuboidCoordinates,
    EllipseCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBoxCoordinates,
)
from labelrow.orm.storage import CustomerProvidedVideoMetadata

T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _front(r) -> list[PointCoordinate]:
    return [PointCoordinate(r[i], r[i + 1]) for i in range(0, 8, 2)]


#: (shape, form) -> (columns, coordinate object of a row); the form tells 2-D cuboid layouts apart.
SHAPES = {
    Shape.BOUNDING_BOX: (
        4,
        lambda r: BoundingBoxCoordinates(top_left_x=r[0], top_left_y=r[1], width=r[2], height=r[3]),
    ),
    Shape.ROTATABLE_BOUNDING_BOX: (
        5,
        lambda r: RotatableBoundingBoxCoordinates(
            top_left_x=r[0], top_left_y=r[1], width=r[2], height=r[3], theta=r[4]
        ),
    ),
    Shape.POINT: (2, lambda r: PointCoordinate(r[0], r[1])),
    Shape.CIRCLE: (
        5,
        lambda r: CircleCoordinates(center_x=r[0], center_y=r[1], radius=r[2], stretch=r[3], theta=r[4]),
    ),
    Shape.ELLIPSE: (5, lambda r: EllipseCoordinates(center_x=r[0], center_y=r[1], rx=r[2], ry=r[3], theta=r[4])),
    Shape.CUBOID: (
        9,
        lambda r: CuboidCoordinates(position=tuple(r[0:3]), orientation=tuple(r[3:6]), size=tuple(r[6:9])),
    ),
    (Shape.CUBOID_2D, "perspective"): (
        11,
        lambda r: Cuboid2DPerspectiveCoordinates(
            front=_front(r), vanishing_point=PointCoordinate(r[8], r[9]), scale_ratio=r[10]
        ),
    ),
    (Shape.CUBOID_2D, "isometric"): (
        10,
        lambda r: Cuboid2DIsometricCoordinates(front=_front(r), offset=PointCoordinate(r[8], r[9])),
    ),
}


def setup(shape: Shape) -> tuple[OntologyStructure, LabelRowV2]:
    structure = OntologyStructure()
    structure.add_object("Thing", shape, feature_node_hash="thing001")
    meta = CustomerProvidedVideoMetadata(fps=10.0, duration=20.0, width=8, height=8, file_size=1, mime_type="video/mp4")
    row = LabelRowV2.from_media_metadata(structure, meta)
    # Rows made in different seconds would differ in their creation stamps: pin them.
    labels = row.to_encord_dict()
    labels["created_at"] = labels["last_edited_at"] = "Mon, 01 Jan 2024 00:00:00 UTC"
    row.from_labels_dict(labels)
    return structure, row


@pytest.mark.parametrize("key", list(SHAPES), ids=str)
@pytest.mark.parametrize("attach_first", [False, True])
@pytest.mark.parametrize("in_order", [False, True])
def test_bulk_equals_one_by_one(key, attach_first: bool, in_order: bool) -> None:
    width, make = SHAPES[key]
    shape = key[0] if isinstance(key, tuple) else key
    rng = np.random.default_rng(7)
    frames = rng.choice(200, size=60, replace=False)
    if in_order:  # increasing frames into an object without any take a quicker path
        frames = np.sort(frames)
    coords = rng.random((60, width))
    conf = rng.random(60)
    kwargs = {"created_at": T0, "last_edited_at": T0, "created_by": "a@b.co", "manual_annotation": False}

    structure, row_a = setup(shape)
    one = ObjectInstance(structure.objects[0], object_hash="obj00001")
    if attach_first:
        one.set_for_frames(make(coords[0]), int(frames[0]), confidence=float(conf[0]), **kwargs)
        row_a.add_object_instance(one)
    for i in range(1 if attach_first else 0, 60):
        one.set_for_frames(make(coords[i]), int(frames[i]), confidence=float(conf[i]), **kwargs)
    if not attach_first:
        row_a.add_object_instance(one)

    _, row_b = setup(shape)
    bulk = ObjectInstance(structure.objects[0], object_hash="obj00001")
    if attach_first:
        bulk.set_for_frames_bulk(frames[:1], coords[:1], confidence=conf[:1], **kwargs)
        row_b.add_object_instance(bulk)
        bulk.set_for_frames_bulk(frames[1:], coords[1:], confidence=conf[1:], **kwargs)
    else:
        bulk.set_for_frames_bulk(frames, coords, confidence=conf, **kwargs)
        row_b.add_object_instance(bulk)
    assert json.dumps(row_b.to_encord_dict()) == json.dumps(row_a.to_encord_dict())
    assert [o.object_hash for o in row_b.get_frame_view(int(frames[5])).get_object_instances()] == ["obj00001"]


@pytest.mark.parametrize("fresh", [False, True])
def test_a_frame_given_twice_with_overwrite_keeps_the_last(fresh: bool) -> None:
    frames = np.array([3, 1, 3, 2, 1])
    coords = np.arange(20, dtype=float).reshape(5, 4) / 100
    structure, row_a = setup(Shape.BOUNDING_BOX)
    one = ObjectInstance(structure.objects[0], object_hash="obj00001")
    _, row_b = setup(Shape.BOUNDING_BOX)
    bulk = ObjectInstance(structure.objects[0], object_hash="obj00001")
    if not fresh:
        for obj in (one, bulk):
            obj.set_for_frames(BoundingBoxCoordinates(0.5, 0.5, 0.5, 0.5), 1, created_at=T0, last_edited_at=T0)
    for f, c in zip(frames, coords, strict=True):
        one.set_for_frames(
            BoundingBoxCoordinates(top_left_x=c[0], top_left_y=c[1], width=c[2], height=c[3]),
            int(f),
            overwrite=True,
            created_at=T0,
            last_edited_at=T0,
        )
    bulk.set_for_frames_bulk(frames, coords, overwrite=True, created_at=T0, last_edited_at=T0)
    row_a.add_object_instance(one)
    row_b.add_object_instance(bulk)
    assert json.dumps(row_b.to_encord_dict()) == json.dumps(row_a.to_encord_dict())
    assert bulk.get_annotation(3).coordinates.top_left_x == coords[2][0]


@pytest.mark.parametrize(
    ("frames", "coords", "conf", "error"),
    [
        ([1, 2], np.zeros((3, 4)), None, "frames"),
        ([1, 2], np.zeros((2, 3)), None, "x 4"),
        ([1, 1], np.zeros((2, 4)), None, "overwrite"),
        ([1, 500], np.zeros((2, 4)), None, "bounds"),
        ([-1, 2], np.zeros((2, 4)), None, "bounds"),
        ([1, 2], np.array([[0, 0, 0, 0], [np.nan, 0, 0, 0]], dtype=float), None, "finite"),
        ([1, 2], np.zeros((2, 4)), [0.5], "confidence"),
    ],
)
def test_bad_bulk_input_changes_nothing(frames, coords, conf, error) -> None:
    structure, row = setup(Shape.BOUNDING_BOX)
    obj = ObjectInstance(structure.objects[0], object_hash="obj00001")
    obj.set_for_frames(BoundingBoxCoordinates(0.1, 0.1, 0.1, 0.1), 0, created_at=T0, last_edited_at=T0)
    row.add_object_instance(obj)
    before = json.dumps(row.to_encord_dict())
    with pytest.raises((LabelRowError, ValueError), match=error):
        obj.set_for_frames_bulk(np.array(frames), coords, confidence=None if conf is None else np.array(conf))
    assert json.dumps(row.to_encord_dict()) == before


def test_bulk_arrays_need_a_supported_shape() -> None:
    structure, _ = setup(Shape.POLYGON)
    obj = ObjectInstance(structure.objects[0])
    with pytest.raises(LabelRowError, match="offsets"):
        obj.set_for_frames_bulk(np.array([0]), np.zeros((1, 4)))
    structure, _ = setup(Shape.CUBOID_2D)
    obj = ObjectInstance(structure.objects[0])
    with pytest.raises(LabelRowError, match=r"N x 11 \(perspective\) or N x 10 \(isometric\)"):
        obj.set_for_frames_bulk(np.array([0]), np.zeros((1, 9)))
    structure, _ = setup(Shape.SKELETON)
    obj = ObjectInstance(structure.objects[0])
    with pytest.raises(LabelRowError, match="skeleton template"):
        obj.set_for_frames_bulk(np.array([0]), np.zeros((1, 4)))
    structure, _ = setup(Shape.BITMASK)
    obj = ObjectInstance(structure.objects[0])
    with pytest.raises(LabelRowError, match="list of coordinate objects"):
        obj.set_for_frames_bulk(np.array([0]), np.zeros((1, 4)))
    structure, _ = setup(Shape.CUBOID)
    obj = ObjectInstance(structure.objects[0])
    with pytest.raises(LabelRowError, match="expected N x 9 coordinates for cuboid"):
        obj.set_for_frames_bulk(np.array([0]), np.zeros((1, 6)))


@pytest.mark.parametrize("shape", [Shape.POLYGON, Shape.POLYLINE])
def test_vertices_and_offsets_equal_one_by_one(shape: Shape) -> None:
    rng = np.random.default_rng(11)
    frames = rng.choice(200, size=40, replace=False)
    sizes = rng.integers(1 if shape == Shape.POLYLINE else 3, 9, size=40)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    vertices = rng.random((int(offsets[-1]), 2))
    kwargs = {"created_at": T0, "last_edited_at": T0, "created_by": "a@b.co"}

    structure, row_a = setup(shape)
    one = ObjectInstance(structure.objects[0], object_hash="obj00001")
    for i, f in enumerate(frames):
        pts = [PointCoordinate(float(x), float(y)) for x, y in vertices[offsets[i] : offsets[i + 1]]]
        coords = PolygonCoordinates(values=pts) if shape == Shape.POLYGON else PolylineCoordinates(values=pts)
        one.set_for_frames(coords, int(f), **kwargs)
    row_a.add_object_instance(one)

    _, row_b = setup(shape)
    bulk = ObjectInstance(structure.objects[0], object_hash="obj00001")
    bulk.set_for_frames_bulk(frames, vertices, offsets=offsets, **kwargs)
    row_b.add_object_instance(bulk)
    assert json.dumps(row_b.to_encord_dict()) == json.dumps(row_a.to_encord_dict())
    columns = row_b.get_annotation_columns()
    key = "polygon" if shape == Shape.POLYGON else "polyline"
    order = np.argsort(frames)
    assert np.array_equal(columns[f"{key}_offsets"], np.concatenate([[0], np.cumsum(sizes[order])]))


@pytest.mark.parametrize(
    ("offsets", "error"),
    [([0, 2, 2, 4], "no vertices"), ([1, 2, 4], "from 0"), ([0, 2, 5], "from 0"), ([0, 3, 2, 4], "no vertices")],
)
def test_bad_offsets_change_nothing(offsets: list[int], error: str) -> None:
    structure, row = setup(Shape.POLYLINE)
    obj = ObjectInstance(structure.objects[0])
    obj.set_for_frames(PolylineCoordinates(values=[PointCoordinate(0.5, 0.5)]), 100)
    row.add_object_instance(obj)
    with pytest.raises(LabelRowError, match=error):
        obj.set_for_frames_bulk(np.arange(len(offsets) - 1), np.zeros((4, 2)), offsets=np.array(offsets))
    assert obj.get_annotation_frames() == {100}


def test_add_object_instances_keeps_order() -> None:
    structure, row = setup(Shape.POINT)
    objs = [ObjectInstance(structure.objects[0], object_hash=f"obj{i:05d}") for i in range(5)]
    for i, o in enumerate(objs):
        o.set_for_frames_bulk(np.array([i, i + 1]), np.full((2, 2), 0.5))
    row.add_object_instances(objs)
    assert row.get_object_instances() == objs


# ---- skeletons from keypoint arrays ----------------------------------------------------------------------------

TEMPLATE = {
    "name": "Pose",
    "width": 1.0,
    "height": 1.0,
    "skeleton": {
        "0": {"x": 0.1, "y": 0.1, "name": "head", "color": "#FF0000", "value": "head", "featureHash": "skhead01"},
        "1": {"x": 0.2, "y": 0.5, "name": "hip", "color": "#00FF00", "value": "hip", "featureHash": "skhip001"},
        "2": {"x": 0.3, "y": 0.9, "name": "foot", "color": None, "value": "", "featureHash": "skfoot01"},
    },
    "skeletonEdges": {"0": {"1": {"color": "#000000"}}},
    "feature_node_hash": "pose0001",
    "shape": "skeleton",
}
VISIBILITY_NAMES = [None, "visible", "invisible", "occluded", "selfOccluded"]


def _skeleton_setup() -> tuple[OntologyStructure, LabelRowV2, object]:
    from labelrow.objects.skeleton_template import SkeletonTemplate

    structure, row = setup(Shape.SKELETON)
    return structure, row, SkeletonTemplate.from_dict(TEMPLATE)


def _skeleton(template, keypoints, vis_row):
    from labelrow.objects.coordinates import SkeletonCoordinate, SkeletonCoordinates

    points = []
    for j, key in enumerate(sorted(template.skeleton, key=int)):
        t = template.skeleton[key]
        extra = {} if VISIBILITY_NAMES[vis_row[j]] is None else {"visibility": VISIBILITY_NAMES[vis_row[j]]}
        points.append(
            SkeletonCoordinate(
                x=float(keypoints[j][0]),
                y=float(keypoints[j][1]),
                name=t.name,
                color=t.color,
                feature_hash=t.feature_hash,
                value=t.value,
                **extra,
            )
        )
    return SkeletonCoordinates(values=points, name=template.name)


def _head(a, k):
    return None if a is None else a[:k]


def _tail(a, k):
    return None if a is None else a[k:]


@pytest.mark.parametrize("attach_first", [False, True])
@pytest.mark.parametrize("with_visibility", [False, True])
def test_skeleton_keypoints_equal_one_by_one(attach_first: bool, with_visibility: bool) -> None:
    rng = np.random.default_rng(11)
    n = 40
    frames = rng.choice(200, size=n, replace=False)
    keypoints = rng.random((n, 3, 2))
    vis = rng.integers(0, 5, size=(n, 3)) if with_visibility else np.zeros((n, 3), dtype=np.int64)
    kwargs = {"created_at": T0, "last_edited_at": T0, "created_by": "a@b.co"}

    structure, row_a, template = _skeleton_setup()
    one = ObjectInstance(structure.objects[0], object_hash="skel0001")
    for i in range(n):
        one.set_for_frames(_skeleton(template, keypoints[i], vis[i]), int(frames[i]), **kwargs)
    row_a.add_object_instance(one)

    _, row_b, template = _skeleton_setup()
    bulk = ObjectInstance(structure.objects[0], object_hash="skel0001")
    vis_arg = vis if with_visibility else None
    split = 1 if attach_first else n
    bulk.set_for_frames_bulk(
        frames[:split], keypoints[:split], skeleton_template=template, visibility=_head(vis_arg, split), **kwargs
    )
    row_b.add_object_instance(bulk)
    if attach_first:
        bulk.set_for_frames_bulk(
            frames[split:], keypoints[split:], skeleton_template=template, visibility=_tail(vis_arg, split), **kwargs
        )
    assert json.dumps(row_b.to_encord_dict()) == json.dumps(row_a.to_encord_dict())
    # The flat form (N x 2K) is the same call.
    _, row_c, template = _skeleton_setup()
    flat = ObjectInstance(structure.objects[0], object_hash="skel0001")
    flat.set_for_frames_bulk(frames, keypoints.reshape(n, 6), skeleton_template=template, visibility=vis_arg, **kwargs)
    row_c.add_object_instance(flat)
    assert json.dumps(row_c.to_encord_dict()) == json.dumps(row_a.to_encord_dict())


@pytest.mark.parametrize(
    ("keypoints", "visibility", "use_template", "error"),
    [
        (np.zeros((2, 3, 2)), None, False, "skeleton template"),
        (np.zeros((2, 2, 2)), None, True, "N x 3 x 2 keypoints"),
        (np.full((2, 3, 2), np.nan), None, True, r"coordinates\[0\]\[0\]\[0\]"),
        (np.zeros((2, 3, 2)), np.full((2, 3), 5), True, r"visibility\[0\]\[0\]: 5 is not a visibility code"),
        (np.zeros((2, 3, 2)), np.zeros((2, 2)), True, "N x 3 visibility codes"),
        (np.zeros((3, 3, 2)), None, True, "2 frames but 3 coordinates"),
    ],
)
def test_bad_skeleton_keypoints_change_nothing(keypoints, visibility, use_template: bool, error: str) -> None:
    structure, row, template = _skeleton_setup()
    obj = ObjectInstance(structure.objects[0], object_hash="skel0001")
    obj.set_for_frames_bulk(np.array([5]), np.full((1, 3, 2), 0.5), skeleton_template=template)
    row.add_object_instance(obj)
    before = json.dumps(row.to_encord_dict())
    with pytest.raises(LabelRowError, match=error):
        obj.set_for_frames_bulk(
            np.array([0, 1]),
            keypoints,
            skeleton_template=template if use_template else None,
            visibility=visibility,
        )
    assert json.dumps(row.to_encord_dict()) == before
