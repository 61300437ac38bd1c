"""Event-based (continuous scene) rows against the reference: random event programs (``event_program.py``), a
table of bad label dicts (the reference's class, and the place in labelrow's message), the JSON bytes path, and
the places labelrow is stricter (docs/compatibility.md)."""

from __future__ import annotations

import copy
import json
import os
import random

import pytest

pytest.importorskip("encord")

import event_program as ep
import program
from conftest import FIXTURES_DIR

if not FIXTURES_DIR.exists():
    pytestmark = pytest.mark.skip(reason=f"fixture directory {FIXTURES_DIR} does not exist")

N_SEEDS = int(os.environ.get("LABELROW_EVENT_SEEDS", "60"))
LIBS = ["encord", "labelrow"]
C, P = ep.CUBOID, ep.POINT


@pytest.mark.parametrize("chunk", range(max(1, N_SEEDS // 10)))
def test_event_programs(chunk: int) -> None:
    """Identical event programs agree (outcomes, events, ranges, reads at offsets, dict), and so does the
    reference's dict loaded again by both libraries."""
    failures = []
    for seed in range(chunk * 10, chunk * 10 + 10):
        rep = ep.check_program(ep.gen_program(seed), f"seed {seed} (replay: python event_program.py {seed})")
        if rep is not None:
            failures.append(rep)
    assert not failures, "\n\n".join(f[:4000] for f in failures[:2])


def _e(h, feature, event, geometry, interpolate=None, **kw):
    e = ep.entry(random.Random(0), h, feature, event, interpolate)
    for k in ("cuboid", "point"):
        e.pop(k, None)
    e["shape"] = {"cuboid": "cuboid", "point": "point", "boundingBox": "bounding_box"}.get(
        next(iter(geometry)), "polygon"
    )
    e.update(geometry)
    e.update(kw)
    return e


def _cub(x):
    return {"cuboid": {"position": [x, 0, 0], "orientation": [0, 0, x], "size": [1, 1, 1]}}


def _pt(x, z=1.0):
    return {"point": {"0": {"x": x, "y": 0.5, "z": z}}}


def _labels(frames: dict, scene=None) -> dict:
    d = ep._read("labels")
    d["scene"] = {"isContinuous": True} if scene is None else scene
    d["data_units"][d["data_hash"]]["labels"] = {
        str(f): {"objects": objs, "classifications": []} for f, objs in frames.items()
    }
    hashes = sorted({e["objectHash"] for objs in frames.values() for e in objs})
    d["object_answers"] = {h: {"objectHash": h, "classifications": []} for h in hashes}
    return d


def _load(lib_name: str, labels: dict):
    return ep.build_row(program.load_lib(lib_name), labels)[0]


BOX = {"boundingBox": {"x": 0.1, "y": 0.1, "w": 0.1, "h": 0.1}}
POLYGON = {"polygon": {"0": {"x": 0.1, "y": 0.1}, "1": {"x": 0.2, "y": 0.1}, "2": {"x": 0.1, "y": 0.3}}}

BAD_LABELS = {
    "unterminated": ({0: [_e("o1", C, "upsert", _cub(1))]}, ["o1", "frame `0`"]),
    "linear_on_a_box": (
        {0: [_e("o1", ep.BOX, "upsert", BOX, "linear")], 9: [_e("o1", ep.BOX, "delete", BOX)]},
        ["interpolate", "bounding_box"],
    ),
    "unknown_mode": (
        {0: [_e("o1", C, "upsert", _cub(1), "cubic")], 9: [_e("o1", C, "delete", _cub(0))]},
        ["interpolate", "cubic"],
    ),
    "polygon_events": (
        {0: [_e("o1", "ODkxMzAx", "upsert", POLYGON)], 9: [_e("o1", "ODkxMzAx", "delete", POLYGON)]},
        ['labels["0"].objects[0]', "POLYGON"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LABELS))
def test_bad_event_labels(case: str) -> None:
    """Inconsistent events fail with the reference's class; labelrow's message names the place."""
    frames, places = BAD_LABELS[case]
    labels = _labels(frames)
    errors = {}
    for lib_name in ("encord", "labelrow"):
        with pytest.raises(Exception) as info:
            _load(lib_name, labels)
        errors[lib_name] = info.value
    ref = program.err(program.load_lib("encord"), errors["encord"])
    ours = program.err(program.load_lib("labelrow"), errors["labelrow"])
    assert program.error_compatible(ref, ours), (ref, ours)
    for place in places:
        assert place in str(errors["labelrow"]), (place, str(errors["labelrow"]))


def test_event_tags_on_a_frame_based_scene_are_refused() -> None:
    frames = {0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]}
    for lib_name in ("encord", "labelrow"):
        lib = program.load_lib(lib_name)
        with pytest.raises(lib.LabelRowError, match="event"):
            _load(lib_name, _labels(frames, scene={"isContinuous": False, "x": 1}))


def test_unknown_event_kind_is_refused() -> None:
    """The reference reads any other `event` value as an upsert and writes it back as one; labelrow refuses it,
    naming the place (docs/compatibility.md)."""
    frames = {0: [_e("o1", C, "appear", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]}
    ref = _load("encord", _labels(frames))
    assert [e.kind for e in ref.get_object_instances()[0].get_events()] == ["upsert", "delete"]
    with pytest.raises(ValueError, match=r'labels\["0"\]\.objects\[0\]\.event'):
        _load("labelrow", _labels(frames))


def test_offsets_beyond_64_bits_are_refused() -> None:
    """Offsets are nanoseconds: 64 bits hold 292 years. The reference takes larger ints; labelrow refuses them
    clearly (docs/compatibility.md)."""
    frames = {0: [_e("o1", C, "upsert", _cub(1))], 10**30: [_e("o1", C, "delete", _cub(0))]}
    ref = _load("encord", _labels(frames))
    assert ref.get_object_instances()[0].get_ranges()[0].end == 10**30 - 1
    with pytest.raises(ValueError, match="1000000000000000000000000000000"):
        _load("labelrow", _labels(frames))
    ours = _load("labelrow", _labels({0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]}))
    with pytest.raises(program.load_lib("labelrow").LabelRowError, match="64-bit"):
        ours.get_object_instances()[0].upsert_event(
            program.load_lib("labelrow").CuboidCoordinates((0, 0, 0), (0, 0, 0), (1, 1, 1)), 2**64
        )


def test_interpolation_is_bit_exact_at_large_offsets() -> None:
    """Between keyframes 2^60 ns apart the fraction needs one correctly rounded division (as Python's int / int);
    the derived cuboid and point agree with the reference to the last bit."""
    a, b = 3, 2**60 + 7
    frames = {
        a: [_e("c", C, "upsert", _cub(0.3), "linear"), _e("p", P, "upsert", _pt(0.1), "linear")],
        b: [_e("c", C, "upsert", _cub(2.9)), _e("p", P, "upsert", _pt(0.9, 2.5))],
        b + 1: [_e("c", C, "delete", _cub(0)), _e("p", P, "delete", _pt(0))],
    }
    rows = {name: _load(name, _labels(frames)) for name in ("encord", "labelrow")}
    rng = random.Random(5)
    offsets = [a + 1, b - 1, (a + b) // 3, *(rng.randrange(a + 1, b) for _ in range(40))]
    for f in offsets:
        got = {}
        for name, row in rows.items():
            objs = {o.object_hash: o for o in row.get_object_instances()}
            got[name] = [
                (ep.coords_data(objs[h].get_annotation(f).coordinates), objs[h].get_annotation(f).confidence)
                for h in ("c", "p")
            ]
        assert got["labelrow"] == got["encord"], f
        assert json.dumps(got["labelrow"]) == json.dumps(got["encord"])


def test_json_path_matches_the_dict_path() -> None:
    """`from_json` / `to_json` share the parser and exporter: the same events, and bytes equal to the dict."""
    labels = ep.gen_labels(random.Random(11))
    ref = _load("encord", labels).to_encord_dict()
    ours = _load("labelrow", labels)
    assert json.loads(ours.to_json()) == ref
    again = _load("labelrow", ep._read("labels"))
    again.from_json(json.dumps(labels).encode())
    assert again.is_event_based
    assert json.dumps(json.loads(again.to_json())) == json.dumps(ref)


def test_our_dicts_are_accepted_by_the_reference() -> None:
    checked = 0
    for seed in range(15):
        prog = ep.gen_program(seed)
        ours = ep.run_program(program.load_lib("labelrow"), prog)["dict"]
        if program.is_error(ours):
            continue
        # Loading puts objects in order of first appearance, so both libraries' reloads are compared.
        again = json.dumps(_load("encord", ours).to_encord_dict())
        assert again == json.dumps(_load("labelrow", ours).to_encord_dict())
        checked += 1
    assert checked >= 5


def test_event_api_is_refused_on_frame_based_rows() -> None:
    """`get_events` and friends need an event-based row, and a detached object is refused too."""
    labels = _labels({0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]})
    for lib_name in ("encord", "labelrow"):
        lib = program.load_lib(lib_name)
        row, structure = ep.build_row(lib, labels)
        obj = lib.ObjectInstance(structure.get_child_by_hash(C))
        with pytest.raises(lib.LabelRowError, match="attached"):
            obj.get_events()
        plain = copy.deepcopy(labels)
        plain["scene"] = {}
        for frame in plain["data_units"][plain["data_hash"]]["labels"].values():
            for e in frame["objects"]:
                e.pop("event")
        row.from_labels_dict(plain)
        assert not row.is_event_based
        with pytest.raises(lib.LabelRowError, match="only available on an event-based"):
            row.get_object_instances()[0].get_events()


def test_classifications_must_be_range_only() -> None:
    labels = _labels({0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]})
    for lib_name in ("encord", "labelrow"):
        lib = program.load_lib(lib_name)
        row, structure = ep.build_row(lib, labels)
        instance = lib.ClassificationInstance(structure.get_child_by_hash("NzIxNTU1"))
        instance.set_for_frames(frames=0)
        with pytest.raises(lib.LabelRowError, match="range_only"):
            row.add_classification_instance(instance)


def _mcap_structure_dict() -> dict:
    """The fixture ontology with a time-range object (time-series channels hold only those)."""
    onto = ep._read("ontology")
    ts = {**onto["objects"][0], "featureNodeHash": "tsFeature", "shape": "time_range", "name": "ts", "id": "99"}
    ts["attributes"] = []
    onto["objects"].append(ts)
    return onto


def _mcap_labels() -> dict:
    d = _labels({0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]})
    d["spaces"] = {}
    unit = d["data_units"][d["data_hash"]]["labels"]
    seg = {
        "shape": "segmentation",
        "objectHash": "s1",
        "featureHash": "segmentationFeatureNodeHash",
        "name": "x",
        "color": "#000",
        "value": "x",
        "segmentation": "06",
        "createdAt": ep._date_str(5),
        "lastEditedAt": ep._date_str(7),
        "manualAnnotation": True,
    }
    unit["lidar@1700000000000000000"] = {"objects": [seg], "classifications": []}
    unit["lidar@5"] = {"objects": [], "classifications": []}
    unit["not@a-timestamp"] = {"objects": [], "classifications": []}
    d["object_answers"]["s1"] = {"objectHash": "s1", "classifications": []}
    d["object_answers"]["t1"] = {
        "objectHash": "t1",
        "classifications": [],
        "featureHash": "tsFeature",
        "createdAt": ep._date_str(3),
        "lastEditedAt": ep._date_str(4),
        "spaces": {"chan/a": {"range": [[1, 5]], "type": "frame"}},
    }
    return d


def _mcap_row(lib_name: str, labels: dict):
    import importlib
    import types

    lib = program.load_lib(lib_name)
    lrm = importlib.import_module(f"{lib.package}.orm.label_row").LabelRowMetadata
    structure = lib.OntologyStructure.from_dict(_mcap_structure_dict())
    row = lib.LabelRowV2(lrm.from_dict(ep._read("metadata")), None, types.SimpleNamespace(structure=structure))
    row.from_labels_dict(copy.deepcopy(labels))
    return lib, row, structure


def _mcap_report(lib_name: str, labels: dict) -> dict:
    lib, row, structure = _mcap_row(lib_name, labels)
    out: dict = {"spaces": [(s.space_id, type(s).__name__) for s in row.get_spaces()]}
    pcd = row.get_space(id="lidar@1700000000000000000", type_="point_cloud")
    out["pcd"] = [o.object_hash for o in pcd.get_object_instances()]
    out["channel"] = [o.object_hash for o in row.get_space(id="chan/a", type_="time_series").get_object_instances()]
    # Ids taken on trust from the caller, and ids that cannot name such a space.
    out["lookups"] = [
        program._try(lib, lambda k=k, t=t: row.get_space(id=k, type_=t).space_id)
        for k, t in [
            ("cam@42", "point_cloud"),
            ("chan/b", "time_series"),
            ("bad", "point_cloud"),
            ("root", "time_series"),
        ]
    ]
    obj = lib.ObjectInstance(structure.get_child_by_hash("segmentationFeatureNodeHash"), object_hash="s2")
    row.get_space(id="cam@42", type_="point_cloud").put_object_instance(
        obj, [lib.Range(start=2, end=4)], created_at=ep._dt(9), last_edited_at=ep._dt(9)
    )
    out["dict"] = json.loads(json.dumps(row.to_encord_dict()))
    out["order"] = list(out["dict"]["data_units"][out["dict"]["data_hash"]]["labels"])
    return out


def _sorted_point_clouds(d: dict) -> dict:
    """The dict with the point clouds of its data unit sorted: the reference writes them in a set's order."""
    d = copy.deepcopy(d)
    unit = d["data_units"][d["data_hash"]]
    frames = {k: v for k, v in unit["labels"].items() if "@" not in k}
    unit["labels"] = {**frames, **dict(sorted((k, v) for k, v in unit["labels"].items() if "@" in k))}
    return d


def test_mcap_scenes_take_spaces_on_trust() -> None:
    """An event-based dict with `"spaces": {}`: point clouds from `stream@timestamp_ns` unit keys and channels
    from the answers' space ids, spaces created from a caller's id, and the export writing point clouds back to
    the data unit without the synthetic spaces, as in the reference; the reference's dict reloads the same."""
    ref, ours = _mcap_report("encord", _mcap_labels()), _mcap_report("labelrow", _mcap_labels())
    assert ours.pop("order")[-2:] == ["lidar@1700000000000000000", "cam@42"]  # first appearance
    assert sorted(ref.pop("order")[-2:]) == ["cam@42", "lidar@1700000000000000000"]
    ref["dict"], ours["dict"] = _sorted_point_clouds(ref["dict"]), _sorted_point_clouds(ours["dict"])
    assert program.compare_results(ref, ours) is None, program.compare_results(ref, ours)
    assert "chan/a" not in ours["dict"]["spaces"]
    reloaded = [json.dumps(_sorted_point_clouds(_mcap_row(n, ref["dict"])[1].to_encord_dict())) for n in LIBS]
    assert reloaded[0] == reloaded[1]


def test_spaces_are_not_taken_on_trust_unless_the_scene_is_continuous() -> None:
    labels = _mcap_labels()
    labels["scene"] = {}
    labels["data_units"][labels["data_hash"]]["labels"] = {}
    labels["object_answers"] = {}
    for name in ("encord", "labelrow"):
        lib, row, _ = _mcap_row(name, labels)
        assert not row.is_event_based
        with pytest.raises(lib.LabelRowError):
            row.get_space(id="cam@42", type_="point_cloud")


def _extra_api_report(lib_name: str) -> list:
    lib = program.load_lib(lib_name)
    closed = {0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]}
    row, structure = ep.build_row(lib, _labels(closed))
    out = []
    cls = lib.ClassificationInstance(structure.get_child_by_hash("NzIxNTU1"), range_only=True, classification_hash="c1")
    stamps = {"created_at": ep._dt(1), "last_edited_at": ep._dt(2)}
    out.append(program._try(lib, lambda: cls.set_for_frames(frames=lib.Range(start=0, end=10**15), **stamps)))
    out.append(program._try(lib, lambda: row.add_classification_instance(cls)))
    f = 10**14
    out.append(
        program._try(lib, lambda: [c.classification_hash for c in row.get_classification_instances(filter_frames=f)])
    )
    out.append(
        program._try(lib, lambda: [c.classification_hash for c in row.get_frame_view(f).get_classification_instances()])
    )
    # A copy of a terminated object goes onto another event-based row; a box with per-frame coordinates does not.
    copy_ = row.get_object_instances()[0].copy()
    other, _ = ep.build_row(lib, _labels({0: [_e("o9", C, "upsert", _cub(2))], 9: [_e("o9", C, "delete", _cub(0))]}))
    out.append(program._try(lib, lambda: other.add_object_instance(copy_)))
    out.append(program._try(lib, lambda: [e.kind for e in copy_.get_events()]))
    box = lib.ObjectInstance(structure.get_child_by_hash(ep.BOX))
    box.set_for_frames(lib.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.1), frames=3)
    out.append(program._try(lib, lambda: other.add_object_instance(box)))
    poly = lib.ObjectInstance(structure.get_child_by_hash("ODkxMzAx"))
    out.append(program._try(lib, lambda: other.add_object_instance(poly)))
    out.append(program._try(lib, lambda: row.get_frame_views()))
    out.append(program._try(lib, lambda: row.get_frame_view(5).add_object_instance(copy_, None)))
    d = program._try(lib, row.to_encord_dict)
    out.append(d if program.is_error(d) else d["classification_answers"])
    d = program._try(lib, other.to_encord_dict)
    out.append(d if program.is_error(d) else d["data_units"][d["data_hash"]]["labels"]["9"]["objects"][1]["event"])
    return json.loads(json.dumps(out, default=repr))


def test_event_rows_through_the_row_api() -> None:
    """Range-only classifications at nanosecond offsets, copies of terminated objects onto another event-based
    row, the objects such a row refuses, and the row's frame-grid refusals agree with the reference."""
    ref, ours = _extra_api_report("encord"), _extra_api_report("labelrow")
    assert program.compare_results({"ops": ref}, {"ops": ours}) is None, program.compare_results(
        {"ops": ref}, {"ops": ours}
    )


def test_an_object_with_events_is_refused_by_a_frame_based_row() -> None:
    """The reference takes a copy of an event-based object onto a frame-based row and refuses the row when it is
    written out; labelrow refuses the object when it is added (docs/compatibility.md)."""
    closed = {0: [_e("o1", C, "upsert", _cub(1), "linear")], 5: [_e("o1", C, "upsert", _cub(2))]}
    closed[9] = [_e("o1", C, "delete", _cub(0))]
    plain = _labels({}, scene={})
    for lib_name in LIBS:
        lib = program.load_lib(lib_name)
        copy_ = _load(lib_name, _labels(closed)).get_object_instances()[0].copy()
        row = _load(lib_name, plain)
        assert not row.is_event_based
        with pytest.raises(lib.LabelRowError, match="event"):
            row.add_object_instance(copy_)
            row.to_encord_dict()


def test_resolved_views_are_read_only_annotations() -> None:
    """`get_annotation(offset)` is an `ObjectInstance.Annotation` subclass whose every setter is refused, and a
    window past 64-bit offsets still finds the objects present in it."""
    frames = {0: [_e("o1", C, "upsert", _cub(1), "linear")], 10: [_e("o1", C, "upsert", _cub(2))]}
    frames[19] = [_e("o1", C, "delete", _cub(0))]
    for lib_name in LIBS:
        lib = program.load_lib(lib_name)
        row = _load(lib_name, _labels(frames))
        obj = row.get_object_instances()[0]
        view = obj.get_annotation(5)
        assert isinstance(view, lib.ObjectInstance.Annotation)
        assert (view.keyframe, view.is_virtual, view.is_interpolated, view.confidence) == (0, True, True, 0.99)
        for name, value in [("confidence", 0.3), ("created_by", "x@example.com"), ("coordinates", None)]:
            with pytest.raises(lib.LabelRowError, match="read-only"):
                setattr(view, name, value)
        window = lib.Range(start=15, end=10**30)
        assert [o.object_hash for o in row.get_object_instances(filter_frames=window)] == ["o1"]


def test_mcap_json_path_matches_the_dict_path() -> None:
    ours = _mcap_row("labelrow", _mcap_labels())[1]
    from_json = _mcap_row("labelrow", _labels({}))[1]
    from_json.from_json(json.dumps(_mcap_labels()))
    assert [s.space_id for s in from_json.get_spaces()] == [s.space_id for s in ours.get_spaces()]
    assert from_json.to_json() == ours.to_json()
    assert json.loads(ours.to_json()) == ours.to_encord_dict()


def test_labelrow_frame_grid_additions_are_refused_on_event_rows() -> None:
    """labelrow's own bulk and numpy APIs assume a frame grid: refused on an event-based row, as the reference
    refuses `set_for_frames` there."""
    import numpy as np

    closed = {0: [_e("o1", C, "upsert", _cub(1))], 9: [_e("o1", C, "delete", _cub(0))]}
    row = _load("labelrow", _labels(closed))
    lib = program.load_lib("labelrow")
    with pytest.raises(lib.LabelRowError, match="event-based"):
        row.get_annotation_columns()
    with pytest.raises(lib.LabelRowError, match="event-based"):
        row.get_object_instances()[0].set_for_frames_bulk(np.arange(2), np.zeros((2, 9)))
    assert [e.frame for e in row.get_object_instances()[0].get_events()] == [0, 9]
