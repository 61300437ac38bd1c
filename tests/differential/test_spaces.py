"""Spaces of data-group rows against the reference: random space programs (``spaces_program.py``), a table of
bad space operations, and the reference bugs labelrow fixes (docs/compatibility.md)."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime

import pytest

pytest.importorskip("encord")

import program
import spaces_program as sp
from conftest import FIXTURES_DIR, mask_now

if not FIXTURES_DIR.exists():
    pytestmark = pytest.mark.skip(reason=f"fixture directory {FIXTURES_DIR} does not exist")

N_SEEDS = int(os.environ.get("LABELROW_SPACES_SEEDS", "100"))
LIBS = ["encord", "labelrow"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("chunk", range(max(1, N_SEEDS // 10)))
def test_space_programs(chunk: int) -> None:
    """Identical space programs agree (outcomes, instances, annotations, dict); the reference's dict
    re-exported by labelrow agrees with its own round trip, and the reference accepts labelrow's dict."""
    failures = []
    for seed in range(chunk * 10, chunk * 10 + 10):
        rep = sp.check_program(sp.gen_program(seed), f"seed {seed} (replay: python spaces_program.py {seed})")
        if rep is not None:
            failures.append(rep)
    assert not failures, "\n\n".join(f[:4000] for f in failures[:2])


def _row(lib_name: str, stem: str):
    lib = program.load_lib(lib_name)
    row, structure = sp.build_row(lib, stem)
    return lib, row, structure


def _box(lib):
    return lib.BoundingBoxCoordinates(height=0.1, width=0.2, top_left_x=0.3, top_left_y=0.4)


def _obj(lib, structure, feature="MjI2NzEy", h="o1"):
    return lib.ObjectInstance(structure.get_child_by_hash(feature), object_hash=h)


def _cls(lib, structure, feature="jPOcEsbw", h="c1"):
    return lib.ClassificationInstance(structure.get_child_by_hash(feature), classification_hash=h)


VID = "dg_two_videos_empty_patched"
IMG = "dg_two_images_empty"

#: (name, fixture, program) - each program gets (lib, row, structure) and may raise.
BAD_OPS = {
    "unknown space id": (VID, lambda lib, row, st: row.get_space(id="nope", type_="video")),
    "unknown layout key": (VID, lambda lib, row, st: row.get_space(layout_key="nope", type_="video")),
    "wrong space type": (VID, lambda lib, row, st: row.get_space(id="video-1-uuid", type_="image")),
    "wrong type by layout key": (IMG, lambda lib, row, st: row.get_space(layout_key="front", type_="video")),
    "id and layout key": (VID, lambda lib, row, st: row.get_space(id="a", layout_key="b", type_="video")),
    "unknown file name": (IMG, lambda lib, row, st: row.get_space(file_name="nope.jpg", type_="image")),
    "unknown stream": (IMG, lambda lib, row, st: row.get_space(stream_id="s", type_="image")),
    "frame beyond the space": (
        VID,
        lambda lib, row, st: row.get_space(id="video-1-uuid", type_="video").put_object_instance(
            _obj(lib, st), [10], _box(lib)
        ),
    ),
    "negative frame": (
        VID,
        lambda lib, row, st: row.get_space(id="video-1-uuid", type_="video").put_object_instance(
            _obj(lib, st), -1, _box(lib)
        ),
    ),
    "annotation already on the frame": (VID, lambda lib, row, st: _twice_video(lib, row, st)),
    "annotation already on the image": (IMG, lambda lib, row, st: _twice_image(lib, row, st)),
    "object with frames of its own": (
        VID,
        lambda lib, row, st: _with_frames(lib, st, row.get_space(id="video-1-uuid", type_="video")),
    ),
    "global classification with frames": (
        VID,
        lambda lib, row, st: row.get_space(id="video-1-uuid", type_="video").put_classification_instance(
            _cls(lib, st, "globalClassificationTopLevelFeatureHash"), [0]
        ),
    ),
    "frame classification without frames": (
        VID,
        lambda lib, row, st: row.get_space(id="video-1-uuid", type_="video").put_classification_instance(_cls(lib, st)),
    ),
    "classification overlap on frames": (VID, lambda lib, row, st: _cls_overlap(lib, row, st)),
    "second global classification on an image": (IMG, lambda lib, row, st: _cls_image_twice(lib, row, st)),
    "remove unknown object from an image": (
        IMG,
        lambda lib, row, st: row.get_space(id="image-1-uuid", type_="image").remove_object_instance("nope"),
    ),
    "remove unknown classification from an image": (
        IMG,
        lambda lib, row, st: row.get_space(id="image-1-uuid", type_="image").remove_classification_instance("n"),
    ),
    "dynamic answer for an object held by another space": (VID, lambda lib, row, st: _dyn_other_space(lib, row, st)),
    "static attribute as dynamic answer": (VID, lambda lib, row, st: _dyn_static(lib, row, st)),
    "space labels: unknown space id": (VID, lambda lib, row, st: _load(row, {"nope": _video_labels()})),
    "space labels: wrong space type": (
        VID,
        lambda lib, row, st: _load(row, {"video-1-uuid": {"space_type": "image", "labels": {}}}),
    ),
    "space labels: no space type": (VID, lambda lib, row, st: _load(row, {"video-1-uuid": {"labels": {}}})),
    "space labels: object twice on a frame": (VID, lambda lib, row, st: _load(row, {"video-1-uuid": _twice_labels()})),
    "space labels: unknown feature hash": (
        VID,
        lambda lib, row, st: _load(row, {"video-1-uuid": _video_labels(feature="nope")}),
    ),
}


def _twice_video(lib, row, st):
    s = row.get_space(id="video-1-uuid", type_="video")
    o = _obj(lib, st)
    s.put_object_instance(o, [1, 2], _box(lib))
    s.put_object_instance(o, [2, 3], _box(lib))


def _twice_image(lib, row, st):
    s = row.get_space(id="image-1-uuid", type_="image")
    o = _obj(lib, st)
    s.put_object_instance(o, _box(lib))
    s.put_object_instance(o, _box(lib))


def _with_frames(lib, st, space):
    o = _obj(lib, st)
    o.set_for_frames(_box(lib), 0)
    space.put_object_instance(o, [0], _box(lib))


def _cls_overlap(lib, row, st):
    s = row.get_space(id="video-1-uuid", type_="video")
    s.put_classification_instance(_cls(lib, st, h="c1"), [1, 2])
    s.put_classification_instance(_cls(lib, st, h="c2"), [2, 3])


def _cls_image_twice(lib, row, st):
    s = row.get_space(id="image-1-uuid", type_="image")
    s.put_classification_instance(_cls(lib, st, h="c1"))
    s.put_classification_instance(_cls(lib, st, h="c2"))


def _dyn_other_space(lib, row, st):
    o = _obj(lib, st, "MTY2MTQx")
    row.get_space(id="video-1-uuid", type_="video").put_object_instance(o, [0], lib.PointCoordinate(x=0.1, y=0.2))
    attr = next(a for a in o.ontology_item.attributes if a.name == "First name")
    row.get_space(id="video-2-uuid", type_="video").set_dynamic_answer(o, [0], "x", attribute=attr)


def _dyn_static(lib, row, st):
    o = _obj(lib, st, "MTA2MjAx")
    s = row.get_space(id="video-1-uuid", type_="video")
    s.put_object_instance(o, [0], _box(lib))
    attr = next(a for a in o.ontology_item.attributes if a.name == "First name")
    s.set_dynamic_answer(o, [0], "x", attribute=attr)


def _video_labels(feature="MjI2NzEy"):
    entry = {
        "objectHash": "o1",
        "featureHash": feature,
        "createdAt": "Tue, 17 Jan 2023 17:23:10 UTC",
        "lastEditedAt": "Tue, 17 Jan 2023 17:23:10 UTC",
        "boundingBox": {"h": 0.1, "w": 0.1, "x": 0.1, "y": 0.1},
        "shape": "bounding_box",
    }
    return {"space_type": "video", "labels": {"0": {"objects": [entry], "classifications": []}}}


def _twice_labels():
    d = _video_labels()
    blob = d["labels"]["0"]
    blob["objects"].append(copy.deepcopy(blob["objects"][0]))
    return d


def _load(row, spaces):
    d = json.loads((FIXTURES_DIR / f"{VID}.labels.json").read_text())
    d["spaces"] = spaces
    row.from_labels_dict(d)


@pytest.mark.parametrize("name", sorted(BAD_OPS))
def test_bad_space_operations(name: str) -> None:
    """Each bad space operation fails in labelrow with the reference's exception class, and the row's export
    afterwards is the reference's."""
    stem, fn = BAD_OPS[name]
    results = []
    for lib_name in LIBS:
        lib, row, st = _row(lib_name, stem)
        out = program._try(lib, lambda lib=lib, row=row, st=st: fn(lib, row, st))
        after = mask_now(program._try(lib, row.to_encord_dict))
        # A failed load leaves the reference's row half-loaded, labelrow's unchanged (label-row.md §11).
        results.append({"outcome": out} if name.startswith("space labels") else {"outcome": out, "after": after})
    ref, ours = results
    assert program.is_error(ref["outcome"]), f"{name}: the reference accepts it: {ref['outcome']}"
    rep = program.compare_results(ref, ours)
    assert rep is None, rep


def test_refused_put_leaves_the_space_unchanged() -> None:
    """Fixed reference bug: a refused `put_object_instance` (wrong coordinates) on a frame-based space leaves the
    object listed on the space (and in `object_answers`) in the reference; in labelrow the space is unchanged."""
    lib, row, st = _row("labelrow", VID)
    s = row.get_space(id="video-1-uuid", type_="video")
    with pytest.raises(lib.LabelRowError, match="Expected coordinates"):
        s.put_object_instance(_obj(lib, st), [0], lib.PointCoordinate(x=0.1, y=0.2))
    assert s.get_object_instances() == []
    assert row.to_encord_dict()["object_answers"] == {}
    ref, ref_row, ref_st = _row("encord", VID)
    ref_space = ref_row.get_space(id="video-1-uuid", type_="video")
    with pytest.raises(ref.LabelRowError):
        ref_space.put_object_instance(_obj(ref, ref_st), [0], ref.PointCoordinate(x=0.1, y=0.2))
    assert [o.object_hash for o in ref_space.get_object_instances()] == ["o1"]  # the reference's leak


def test_image_space_checks_coordinates() -> None:
    """Fixed reference bug: an image space stores coordinates of the wrong shape unchecked in the reference (and
    exports them); labelrow refuses them as frame-based spaces do."""
    lib, row, st = _row("labelrow", IMG)
    s = row.get_space(id="image-1-uuid", type_="image")
    with pytest.raises(lib.LabelRowError, match="Expected coordinates"):
        s.put_object_instance(_obj(lib, st), lib.PointCoordinate(x=0.1, y=0.2))
    assert s.get_object_instances() == []


def test_global_classification_leaves_a_video_space() -> None:
    """Fixed reference bug: removing a global classification from a frame-based space raises KeyError in the
    reference (and leaves it there); labelrow removes it, and it can be placed again."""
    lib, row, st = _row("labelrow", VID)
    s = row.get_space(id="video-1-uuid", type_="video")
    c = _cls(lib, st, "globalClassificationTopLevelFeatureHash")
    s.put_classification_instance(c, created_at=T0, last_edited_at=T0)
    assert s.remove_classification_instance(c.classification_hash) is c
    assert s.get_classification_instances() == []
    assert row.to_encord_dict()["classification_answers"] == {}
    s.put_classification_instance(c, created_at=T0, last_edited_at=T0)
    assert [x.classification_hash for x in s.get_classification_instances()] == ["c1"]
    _, ref_row, ref_st = _row("encord", VID)
    ref = program.load_lib("encord")
    rs = ref_row.get_space(id="video-1-uuid", type_="video")
    rc = _cls(ref, ref_st, "globalClassificationTopLevelFeatureHash")
    rs.put_classification_instance(rc, created_at=T0, last_edited_at=T0)
    with pytest.raises(KeyError):
        rs.remove_classification_instance(rc.classification_hash)


def test_one_instance_per_space_object() -> None:
    """Space-held instances keep their identity: every listing returns the same Python objects, the instance
    the caller placed included, and an object placed on two spaces is one instance with one set of answers."""
    lib, row, st = _row("labelrow", VID)
    a, b = row.get_space(id="video-1-uuid", type_="video"), row.get_space(id="video-2-uuid", type_="video")
    o = _obj(lib, st, "MTA2MjAx")
    a.put_object_instance(o, [0, 1], _box(lib))
    b.put_object_instance(o, [3], _box(lib))
    assert a.get_object_instances()[0] is o and b.get_object_instances()[0] is o
    o.set_answer("hello", attribute=next(x for x in o.ontology_item.attributes if x.name == "First name"))
    d = row.to_encord_dict()
    assert list(d["object_answers"]) == ["o1"]
    assert d["object_answers"]["o1"]["classifications"][0]["answers"] == "hello"
    assert sorted(d["spaces"]["video-1-uuid"]["labels"]) == ["0", "1"]
    assert list(d["spaces"]["video-2-uuid"]["labels"]) == ["3"]
    row.from_labels_dict(d)
    again = row.get_space(id="video-1-uuid", type_="video").get_object_instances()
    assert again == row.get_space(id="video-1-uuid", type_="video").get_object_instances()
    assert again[0] is row.get_space(id="video-2-uuid", type_="video").get_object_instances()[0]


@pytest.mark.parametrize("children", [None, [{"data_hash": "d1", "label_hash": None, "name": "a", "layout_key": "k"}]])
def test_group_metadata(children) -> None:
    """`metadata` of a group row is its data unit's `DataGroupMetadata` (None without one), as in the reference."""
    out = []
    for lib_name in LIBS:
        _, row, _ = _row(lib_name, VID)
        d = json.loads((FIXTURES_DIR / f"{VID}.labels.json").read_text())
        if children is not None:
            next(iter(d["data_units"].values()))["metadata"] = {"children": children}
        row.from_labels_dict(d)
        m = row.metadata
        out.append(None if m is None else (type(m).__name__, [c.model_dump() for c in m.children_]))
        assert "metadata" not in next(iter(row.to_encord_dict()["data_units"].values()))
    assert out[0] == out[1]


@pytest.mark.parametrize("stem", [VID, IMG])
def test_annotation_setters(stem: str) -> None:
    """Editing space annotations (metadata and coordinates of objects, metadata of classifications) gives the
    reference's dict."""
    dicts = []
    for lib_name in LIBS:
        lib, row, st = _row(lib_name, stem)
        space = row.get_spaces()[0]
        o, c = _obj(lib, st), _cls(lib, st)
        if stem == IMG:
            space.put_object_instance(o, _box(lib), created_at=T0, last_edited_at=T0)
            space.put_classification_instance(c, created_at=T0, last_edited_at=T0)
        else:
            space.put_object_instance(o, [1, 2], _box(lib), created_at=T0, last_edited_at=T0)
            space.put_classification_instance(c, [2, 3], created_at=T0, last_edited_at=T0)
        for a in space.get_annotations("object"):
            a.created_by = "x@example.com"
            a.confidence = 0.25
            a.manual_annotation = False
            if a.frame in (0, 2):
                a.coordinates = lib.BoundingBoxCoordinates(height=0.5, width=0.5, top_left_x=0.1, top_left_y=0.2)
        for a in space.get_annotations("classification"):
            a.last_edited_by = "y@example.com"
            a.confidence = 0.75
        d = row.to_encord_dict()
        dicts.append(
            {k: d[k] for k in ("object_answers", "classification_answers", "spaces")}
            | {"coords": [repr(sp._coords_data(a.coordinates)) for a in space.get_annotations("object")]}
        )
    assert program.dumps(dicts[0]) == program.dumps(dicts[1]), program.compare_results(dicts[0], dicts[1])


def test_all_modalities_geometric_spaces() -> None:
    """The all-modalities group fixture (pending as a whole: its range spaces) agrees with the reference on
    every space labelrow holds: video, image, DICOM file and stack, image sequence and PDF labels, their
    classification answers and the answers of their objects."""
    stem = "dg_all_modalities_patched"
    held = {"video-uuid", "image-uuid", "dicom-uuid", "dicom-stack-uuid", "image-sequence-uuid", "pdf-uuid"}
    out = []
    for lib_name in LIBS:
        _, row, _ = _row(lib_name, stem)
        row.from_labels_dict(json.loads((FIXTURES_DIR / f"{stem}.labels.json").read_text()))
        d = row.to_encord_dict()
        answers = {
            k: {f: v for f, v in a.items() if f not in ("createdAt", "lastEditedAt")}
            for k, a in d["classification_answers"].items()
            if not a["spaces"] or set(a["spaces"]) & held
        }
        objects = {k: a for k, a in d["object_answers"].items() if "spaces" not in a}
        out.append({"spaces": {k: d["spaces"][k] for k in sorted(held)}, "answers": answers, "objects": objects})
    assert out[1]["spaces"]["dicom-uuid"]["labels"], "the fixture has DICOM labels"
    assert program.dumps(out[0]) == program.dumps(out[1]), program.compare_results(out[0], out[1])
