"""numpy columns of a row's annotations, checked against the same data read through the instance API."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np
import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects.coordinates import (
    BoundingBoxCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBoxCoordinates,
)

sys.path.insert(0, str(Path(__file__).parent / "differential"))
import program

sys.path.pop(0)


def expected_columns(row, feature=None, frames=None) -> dict:
    """The columns computed the slow way: per frame, the objects the frame view lists."""
    out: dict = {k: [] for k in ("frames", "objects", "features", "confidence", "boxes", "rboxes", "points")}
    out.update(polygons=[], polylines=[])
    seen: dict = {}
    for f in sorted({f for o in row.get_object_instances() for f in o.get_annotation_frames()}):
        if frames is not None and f not in frames:
            continue
        for obj in row.get_frame_view(f).get_object_instances():
            if feature is not None and obj.feature_hash != feature:
                continue
            ann = obj.get_annotation(f)
            out["frames"].append(f)
            out["objects"].append(obj.object_hash)
            out["features"].append(obj.feature_hash)
            out["confidence"].append(float(ann.confidence))
            c, r = ann.coordinates, len(out["frames"]) - 1
            seen[r] = c
            if isinstance(c, BoundingBoxCoordinates):
                out["boxes"].append((r, [c.top_left_x, c.top_left_y, c.width, c.height]))
            elif isinstance(c, RotatableBoundingBoxCoordinates):
                out["rboxes"].append((r, [c.top_left_x, c.top_left_y, c.width, c.height, c.theta]))
            elif isinstance(c, PointCoordinate):
                out["points"].append((r, [c.x, c.y]))
            elif isinstance(c, PolygonCoordinates):
                out["polygons"].append((r, [[p.x, p.y] for p in c.polygons[0][0]]))
            elif isinstance(c, PolylineCoordinates):
                out["polylines"].append((r, [[p.x, p.y] for p in c.values]))
    return out


def check(row, feature=None, frames=None) -> int:
    cols = row.get_annotation_columns(
        filter_ontology_object=None if feature is None else row.ontology_structure.get_child_by_hash(feature),
        filter_frames=None if frames is None else sorted(frames),
    )
    exp = expected_columns(row, feature, frames)
    assert cols["frames"].tolist() == exp["frames"]
    assert [cols["object_hashes"][i] for i in cols["object_index"]] == exp["objects"]
    assert [cols["feature_hashes"][i] for i in cols["feature_index"]] == exp["features"]
    assert np.allclose(cols["confidence"], exp["confidence"])
    for key, rows_key, name in (
        ("boxes", "box_rows", "boxes"),
        ("rotatable_boxes", "rotatable_box_rows", "rboxes"),
        ("points", "point_rows", "points"),
    ):
        assert cols[rows_key].tolist() == [r for r, _ in exp[name]]
        assert np.allclose(
            cols[key].reshape(-1, cols[key].shape[1]),
            np.array([v for _, v in exp[name]]).reshape(-1, cols[key].shape[1]),
        )
    for prefix, name in (("polygon", "polygons"), ("polyline", "polylines")):
        assert cols[f"{prefix}_rows"].tolist() == [r for r, _ in exp[name]]
        offsets, vertices = cols[f"{prefix}_offsets"], cols[f"{prefix}_vertices"]
        for i, (_, verts) in enumerate(exp[name]):
            got = vertices[offsets[i] : offsets[i + 1]]
            assert np.allclose(got, np.array(verts).reshape(-1, 2))
    assert cols["frames"].dtype == np.int64 and cols["boxes"].dtype == np.float64
    return len(exp["frames"])


@pytest.mark.parametrize("seed", range(40))
def test_columns_match_the_instance_api(seed: int) -> None:
    lib = program.load_lib("labelrow")
    prog = program.gen_program(seed)
    it = program._Interp(lib, prog)
    for op in prog["ops"]:
        with contextlib.suppress(Exception):
            it.run_op(op)
    row = it.row
    try:
        row.to_encord_dict()
    except LabelRowError:
        pytest.skip("this program leaves an unexportable row")
    check(row)
    frames = {f for o in row.get_object_instances() for f in o.get_annotation_frames()}
    if frames:
        window = set(sorted(frames)[: max(1, len(frames) // 2)])
        check(row, frames=window)
    for obj in row.get_object_instances()[:2]:
        check(row, feature=obj.feature_hash)


def test_columns_outlive_the_row() -> None:
    lib = program.load_lib("labelrow")
    prog = program.gen_program(3)
    it = program._Interp(lib, prog)
    for op in prog["ops"]:
        with contextlib.suppress(Exception):
            it.run_op(op)
    cols = it.row.get_annotation_columns()
    frames = cols["frames"].copy()
    del it
    assert cols["frames"].tolist() == frames.tolist()
