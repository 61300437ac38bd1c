"""Scene rows against the reference: random point-cloud programs (``scene_program.py``), a table of bad scene
and point-cloud operations, and the reference bugs labelrow fixes there (docs/compatibility.md)."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime

import pytest

pytest.importorskip("encord")

import program
import scene_program as scp
from conftest import FIXTURES_DIR

if not FIXTURES_DIR.exists():
    pytestmark = pytest.mark.skip(reason=f"fixture directory {FIXTURES_DIR} does not exist")

N_SEEDS = int(os.environ.get("LABELROW_SCENE_SEEDS", "60"))
LIBS = ["encord", "labelrow"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)
PCD1, PCD2 = scp.SPACES


@pytest.mark.parametrize("chunk", range(max(1, N_SEEDS // 10)))
def test_scene_programs(chunk: int) -> None:
    """Identical point-cloud programs agree (outcomes, instances, ranges, annotations, dict), and so does the
    reference's dict loaded again by both libraries."""
    failures = []
    for seed in range(chunk * 10, chunk * 10 + 10):
        rep = scp.check_program(scp.gen_program(seed), f"seed {seed} (replay: python scene_program.py {seed})")
        if rep is not None:
            failures.append(rep)
    assert not failures, "\n\n".join(f[:4000] for f in failures[:2])


def _row(lib_name: str, labels: dict | None = None):
    lib = program.load_lib(lib_name)
    row, structure = scp.build_row(lib, labels)
    return lib, row, structure


def _obj(lib, structure, feature=scp.SEGMENTATION, h="o1"):
    return lib.ObjectInstance(structure.get_child_by_hash(feature), object_hash=h)


def _cls(lib, structure, feature="NzIxNTU1", h="c1"):
    return lib.ClassificationInstance(structure.get_child_by_hash(feature), classification_hash=h)


def _pcd(row, sid=PCD1):
    return row.get_space(id=sid, type_="point_cloud")


def _put(lib, row, st, ranges, feature=scp.SEGMENTATION, **kw):
    _pcd(row).put_object_instance(_obj(lib, st, feature), ranges, **kw)


def _twice(lib, row, st):
    o = _obj(lib, st)
    _pcd(row).put_object_instance(o, [lib.Range(start=0, end=4)])
    _pcd(row).put_object_instance(o, lib.Range(start=4, end=9))


def _with_frames(lib, row, st):
    o = _obj(lib, st, "MjI2NzEy")
    o.set_for_frames(lib.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.1), frames=0)
    _pcd(row).put_object_instance(o, [lib.Range(start=0, end=4)])


def _cls_with_frames(lib, row, st):
    c = _cls(lib, st)
    c.set_for_frames(frames=0)
    _pcd(row).put_classification_instance(c)


def _cls_twice(lib, row, st):
    _pcd(row).put_classification_instance(_cls(lib, st, h="c1"))
    _pcd(row).put_classification_instance(_cls(lib, st, h="c2"))


def _labels(objects: list[dict]) -> dict:
    d = scp._read("labels")
    d["spaces"][PCD1]["labels"]["objects"] = objects
    d["spaces"][PCD2]["labels"]["objects"] = []
    return d


def _seg(seg: str, feature: str = scp.SEGMENTATION, h: str = "hash1") -> dict:
    return {
        "objectHash": h,
        "featureHash": feature,
        "segmentation": seg,
        "createdAt": "Thu, 09 Feb 2023 14:12:03 UTC",
        "lastEditedAt": "Thu, 09 Feb 2023 14:12:03 UTC",
    }


#: (name, program) - each program gets (lib, row, structure) and may raise.
BAD_OPS = {
    "unknown point cloud id": lambda lib, row, st: row.get_space(id="nope.pcd", type_="point_cloud"),
    "point cloud asked for as an image": lambda lib, row, st: row.get_space(id=PCD1, type_="image"),
    "unknown stream": lambda lib, row, st: row.get_space(stream_id="camera", type_="point_cloud"),
    "unknown event of a stream": lambda lib, row, st: row.get_space(
        stream_id="lidar1", event_index=4, type_="point_cloud"
    ),
    "unknown start frame": lambda lib, row, st: row.get_space(stream_id="lidar1", start_frame=2, type_="point_cloud"),
    "unknown file name": lambda lib, row, st: row.get_space(file_name="nope.pcd", type_="point_cloud"),
    "file name of another type": lambda lib, row, st: row.get_space(file_name="file1.pcd", type_="image"),
    "id and layout key": lambda lib, row, st: row.get_space(id=PCD1, layout_key="k", type_="point_cloud"),
    "RLE string for a cuboid": lambda lib, row, st: _put(lib, row, st, "06", scp.CUBOID),
    "RLE string naming no points": lambda lib, row, st: _put(lib, row, st, ""),
    "overlapping ranges": _twice,
    "object with frames": _with_frames,
    "classification with frames": _cls_with_frames,
    "two instances of a classification": _cls_twice,
    "ranges of an absent object": lambda lib, row, st: _pcd(row).get_object_ranges(_obj(lib, st)),
    "remove an absent object": lambda lib, row, st: _pcd(row).remove_object_instance("nope"),
    "remove an absent classification": lambda lib, row, st: _pcd(row).remove_classification_instance("nope"),
    "space labels: overlapping entries": lambda lib, row, st: row.from_labels_dict(_labels([_seg("06"), _seg("0:2")])),
    "space labels: unknown feature": lambda lib, row, st: row.from_labels_dict(_labels([_seg("06", "nope")])),
    "space labels: unknown space": lambda lib, row, st: row.from_labels_dict(
        {**_labels([]), "spaces": {"x.pcd": {"space_type": "point_cloud", "labels": {}}}}
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_OPS))
def test_bad_scene_operations(name: str) -> None:
    """Each bad operation fails in labelrow with the reference's exception class, and the row's export
    afterwards is the reference's (a failed load leaves the reference's row half-loaded, labelrow's unchanged)."""
    fn = BAD_OPS[name]
    results = []
    for lib_name in LIBS:
        lib, row, st = _row(lib_name)
        out = program._try(lib, lambda lib=lib, row=row, st=st: fn(lib, row, st))
        after = program._try(lib, row.to_encord_dict)
        results.append({"outcome": out} if name.startswith("space labels") else {"outcome": out, "after": after})
    ref, ours = results
    assert program.is_error(ref["outcome"]), f"{name}: the reference accepts it: {ref['outcome']}"
    rep = program.compare_results(ref, ours)
    assert rep is None, rep


def test_bad_point_cloud_labels_name_their_place() -> None:
    """Errors of a loaded point cloud name the entry (JSON path) they come from."""
    lib, row, _ = _row("labelrow")
    with pytest.raises(lib.LabelRowError, match=r"spaces\[\"path/to/file1.pcd\"\]\.labels\.objects\[1\]"):
        row.from_labels_dict(_labels([_seg("06"), _seg("0:2")]))
    with pytest.raises(lib.LabelRowError, match=r"objects\[0\]\.segmentation"):
        row.from_labels_dict(_labels([_seg("06~")]))
    assert row.to_encord_dict()["spaces"][PCD1]["labels"]["objects"] == []


@pytest.mark.parametrize("ranges", [[], [(-1, 3)], [(5, 3)]])
def test_refused_point_cloud_placement_leaves_the_row_unchanged(ranges) -> None:
    """Fixed reference bug: the reference registers the object on the point cloud before it checks the ranges,
    so a refused placement (empty, negative or reversed ranges) leaves an object without ranges behind, and
    every later `to_encord_dict()` fails with a KeyError. labelrow refuses the placement and changes nothing."""
    lib, row, st = _row("labelrow")
    before = row.to_encord_dict()
    o = _obj(lib, st)
    with pytest.raises(lib.LabelRowError, match=r"[Rr]ange"):
        _pcd(row).put_object_instance(o, [lib.Range(start=s, end=e) for s, e in ranges])
    assert _pcd(row).get_object_instances() == []
    assert row.to_encord_dict() == before
    ref, ref_row, ref_st = _row("encord")
    with pytest.raises(Exception):  # noqa: B017 - ValueError or LabelRowError, depending on the ranges
        _pcd(ref_row).put_object_instance(_obj(ref, ref_st), [ref.Range(start=s, end=e) for s, e in ranges])
    assert [x.object_hash for x in _pcd(ref_row).get_object_instances()] == ["o1"]  # the reference's leak
    with pytest.raises(KeyError):
        ref_row.to_encord_dict()


@pytest.mark.parametrize("rle", ["zz", "06P", "06~"])
def test_malformed_segmentation_strings_are_refused(rle: str) -> None:
    """Fixed reference bug: the reference decodes any string (characters outside the RLE alphabet, a value cut
    off at the end) into some points; labelrow refuses it with a LabelRowError, on load and on placement."""
    lib, row, st = _row("labelrow")
    with pytest.raises(lib.LabelRowError, match="segmentation"):
        _pcd(row).put_object_instance(_obj(lib, st), rle)
    with pytest.raises(lib.LabelRowError, match="segmentation"):
        row.from_labels_dict(_labels([_seg(rle)]))
    ref, ref_row, ref_st = _row("encord")
    _pcd(ref_row).put_object_instance(_obj(ref, ref_st), rle)  # accepted


def test_point_cloud_instances_and_metadata() -> None:
    """A placed instance is the one listed (every call); its metadata is the instance's, shared by every point
    cloud it is on; a loaded row has one instance per point cloud, each with its own entry's metadata."""
    lib, row, st = _row("labelrow")
    o = _obj(lib, st)
    _pcd(row).put_object_instance(o, lib.Range(start=0, end=3), created_at=T0, created_by="a@example.com")
    _pcd(row, PCD2).put_object_instance(o, "06", created_by="b@example.com", last_edited_at=T0)
    assert _pcd(row).get_object_instances()[0] is o is _pcd(row, PCD2).get_object_instances()[0]
    (a,) = _pcd(row).get_annotations("object")
    assert (a.created_by, a.created_at, a.frame) == ("b@example.com", T0, 0)
    a.ranges = [lib.Range(start=2, end=2)]
    d = row.to_encord_dict()
    assert d["spaces"][PCD1]["labels"]["objects"][0]["segmentation"] == "21"
    assert d["object_answers"]["o1"]["spaces"] == {
        PCD1: {"range": [], "type": "frame"},
        PCD2: {"range": [], "type": "frame"},
    }
    loaded = copy.deepcopy(d)
    loaded["spaces"][PCD2]["labels"]["objects"][0]["createdBy"] = "c@example.com"
    row.from_labels_dict(loaded)
    one, two = _pcd(row).get_object_instances()[0], _pcd(row, PCD2).get_object_instances()[0]
    assert one is not two and one is _pcd(row).get_object_instances()[0]
    assert [x.created_by for s in (PCD1, PCD2) for x in _pcd(row, s).get_annotations("object")] == [
        "b@example.com",
        "c@example.com",
    ]
    assert json.dumps(row.to_encord_dict()["object_answers"]) == json.dumps(d["object_answers"])


@pytest.mark.parametrize(
    "scene", [{"isContinuous": False, "streams": ["lidar1"]}, {}, None, {"isContinuous": True}, {"isContinuous": 1}]
)
def test_scene_metadata_round_trip(scene) -> None:
    """The label dict's enriched `scene` metadata is written back after `spaces` when it is a non-empty dict."""
    out = []
    for lib_name in LIBS:
        _, row, _ = _row(lib_name)
        d = scp._read("labels", "dg_scene_empty")
        d["scene"] = scene
        row.from_labels_dict(d)
        got = row.to_encord_dict()
        out.append([list(got)[-2:], got.get("scene"), row.is_event_based])
    assert out[0] == out[1]


_IMG_INFO = {
    "space_type": "scene_image",
    "scene_info": {"stream_id": "cam", "event_index": 0, "start_frame": 5, "uri": "x/img.jpg"},
    "width": 100,
    "height": 50,
    "labels": {"objects": [], "classifications": []},
}
_IMG2_INFO = {
    "space_type": "scene_image",
    "scene_info": {"stream_id": "cam", "event_index": 1, "uri": "x/img2.jpg"},
    "labels": {"objects": [], "classifications": []},
}


def _box_entry(h: str) -> dict:
    return {
        "objectHash": h,
        "featureHash": "MjI2NzEy",
        "name": "Box",
        "color": "#D33115",
        "value": "box",
        "shape": "bounding_box",
        "boundingBox": {"h": 0.1, "w": 0.2, "x": 0.3, "y": 0.4},
        "createdAt": "Thu, 09 Feb 2023 14:12:03 UTC",
        "lastEditedAt": "Thu, 09 Feb 2023 14:12:03 UTC",
    }


def _image_row(lib_name: str):
    import spaces_program

    lib = program.load_lib(lib_name)
    meta = scp._read("metadata")
    meta["spaces"] |= {"cam-img": copy.deepcopy(_IMG_INFO), "cam-img2": copy.deepcopy(_IMG2_INFO)}
    structure = lib.OntologyStructure.from_dict(scp._read("ontology"))
    lrm = __import__(f"{lib.package}.orm.label_row", fromlist=["LabelRowMetadata"]).LabelRowMetadata
    row = lib.LabelRowV2(lrm.from_dict(meta), None, spaces_program.types.SimpleNamespace(structure=structure))
    return lib, row, structure


#: where a scene's label dict puts the labels of its scene images: keyed `stream#start_frame`,
#: `stream#event_index`, by space id, on the space entry itself, or under a stream the row does not have.
IMAGE_LABELS = {
    "start frame key": {"cam#5": ["b1"]},
    "event index key": {"cam#1": ["b2"], "cam#0": ["b1"]},
    "space id key": {"cam-img2": ["b1", "b2"]},
    "unknown stream": {"radar#0": ["b1"]},
    "on the space": None,
}


@pytest.mark.parametrize("where", sorted(IMAGE_LABELS))
def test_scene_image_labels(where: str) -> None:
    """Scene images read their labels from the scene's data unit (by `stream#frame` or space id) and write them
    back there, as the reference does; placing on a scene image found by stream and start frame agrees too."""
    out = []
    for lib_name in LIBS:
        lib, row, st = _image_row(lib_name)
        d = scp._read("labels", "dg_scene_empty")
        d["spaces"] |= {
            "cam-img": {"space_type": "scene_image", "labels": {"objects": [], "classifications": []}},
            "cam-img2": {"space_type": "scene_image", "labels": {"objects": [], "classifications": []}},
        }
        placed = IMAGE_LABELS[where]
        if placed is None:
            d["spaces"]["cam-img"]["labels"]["objects"] = [_box_entry("b1")]
            hashes = ["b1"]
        else:
            unit = d["data_units"][d["data_hash"]]
            unit["labels"] = {
                k: {"objects": [_box_entry(h) for h in v], "classifications": []} for k, v in placed.items()
            }
            hashes = sorted({h for v in placed.values() for h in v})
        d["object_answers"] = {h: {"classifications": [], "objectHash": h} for h in hashes}
        rep = {"load": program._try(lib, lambda row=row, d=d: row.from_labels_dict(d))}
        rep["images"] = program._try(
            lib,
            lambda row=row: [
                [o.object_hash for o in row.get_space(id=i, type_="image").get_object_instances()]
                for i in ("cam-img", "cam-img2")
            ],
        )

        def place(lib=lib, row=row, st=st) -> None:
            s = row.get_space(stream_id="cam", start_frame=5, type_="image")
            o = lib.ObjectInstance(st.get_child_by_hash("MjI2NzEy"), object_hash="new")
            box = lib.BoundingBoxCoordinates(height=0.5, width=0.5, top_left_x=0.1, top_left_y=0.2)
            s.put_object_instance(o, box, created_at=T0, last_edited_at=T0)

        rep["place"] = program._try(lib, place)
        rep["dict"] = program._try(lib, row.to_encord_dict)
        if not program.is_error(rep["dict"]):
            again = program._try(lib, lambda row=row, d=rep["dict"]: row.from_labels_dict(copy.deepcopy(d)))
            rep["again"] = [again, program._try(lib, row.to_encord_dict)]
        out.append(json.loads(json.dumps(rep, default=repr)))
    assert program.compare_results(out[0], out[1]) is None, program.compare_results(out[0], out[1])


def test_json_path_matches_dict_path_on_scenes() -> None:
    """`from_json` and `to_json` agree with the dict path on a scene row with point clouds, a scene image in the
    data unit and enriched scene metadata."""
    d = scp._read("labels")
    for sid in scp.SPACES:
        for e in d["spaces"][sid]["labels"]["objects"]:
            e["lastEditedAt"] = "Fri, 10 Feb 2023 14:12:03 UTC"
    d["object_answers"]["hash1"]["lastEditedAt"] = "Fri, 10 Feb 2023 14:12:03 UTC"
    d["spaces"]["cam-img"] = {"space_type": "scene_image", "labels": {"objects": [], "classifications": []}}
    d["data_units"][d["data_hash"]]["labels"]["cam#5"] = {"objects": [_box_entry("b1")], "classifications": []}
    d["object_answers"]["b1"] = {"classifications": [], "objectHash": "b1"}
    d["scene"] = {"isContinuous": False, "name": "drive"}
    _, by_dict, _ = _image_row("labelrow")
    by_dict.from_labels_dict(copy.deepcopy(d))
    _, by_json, _ = _image_row("labelrow")
    by_json.from_json(json.dumps(d).encode())
    expected = by_dict.to_encord_dict()
    assert expected["data_units"][d["data_hash"]]["labels"]["cam#5"]["objects"][0]["objectHash"] == "b1"
    assert expected["spaces"][PCD1]["labels"]["objects"][0]["segmentation"] == "06"
    assert json.dumps(by_json.to_encord_dict()) == json.dumps(expected)
    assert json.dumps(json.loads(by_json.to_json())) == json.dumps(expected)
    _, ref_row, _ = _image_row("encord")
    ref_row.from_labels_dict(copy.deepcopy(d))
    assert json.dumps(ref_row.to_encord_dict()) == json.dumps(expected)


def test_object_on_an_image_before_a_point_cloud() -> None:
    """An object on a scene image listed before a point cloud it is also on: the reference's export fails with a
    bare KeyError; labelrow's with a LabelRowKeyError naming the object and both spaces."""
    import spaces_program

    for lib_name in LIBS:
        lib = program.load_lib(lib_name)
        meta = scp._read("metadata")
        meta["spaces"] = {"cam-img": copy.deepcopy(_IMG_INFO), **meta["spaces"]}
        st = lib.OntologyStructure.from_dict(scp._read("ontology"))
        lrm = __import__(f"{lib.package}.orm.label_row", fromlist=["LabelRowMetadata"]).LabelRowMetadata
        row = lib.LabelRowV2(lrm.from_dict(meta), None, spaces_program.types.SimpleNamespace(structure=st))
        row.from_labels_dict(scp._read("labels", "dg_scene_empty"))
        o = _obj(lib, st, "MjI2NzEy")
        box = lib.BoundingBoxCoordinates(height=0.5, width=0.5, top_left_x=0.1, top_left_y=0.2)
        row.get_space(id="cam-img", type_="image").put_object_instance(o, box)
        _pcd(row).put_object_instance(o, lib.Range(start=0, end=2))
        with pytest.raises(KeyError) as info:
            row.to_encord_dict()
        if lib_name == "labelrow":
            assert isinstance(info.value, lib.LabelRowError)
            assert "object `o1` is on space `cam-img`" in str(info.value)
