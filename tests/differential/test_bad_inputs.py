"""Bad inputs: labelrow must fail like the reference (same exception class), or be stricter where marked.

Each table row mutates a valid label dict (built through the API by the reference) or makes a bad API call.

* ``expect="same"`` - the reference raises; labelrow must raise an instance of the reference's class
  (encord exception classes are mapped to ``labelrow.exceptions`` by name; pydantic/dateutil errors by the
  built-in they derive from). The error may surface in ``from_labels_dict`` or in the following
  ``to_encord_dict()`` (labelrow may fail earlier than the reference, never later).
* ``expect="labelrow_stricter"`` - the reference silently accepts garbage (string/NaN coordinates,
  undecodable RLE, a bool object hash, ...); labelrow must raise ``LabelRowError``.
* ``expect="accepted"`` - the reference accepts the input; labelrow must accept it and export the same dict.

The table is self-checking: every row also asserts what the reference does. After a failed call on a row
that already held labels, labelrow's ``to_encord_dict()`` must be unchanged (the reference may keep a partial
state, label-row.md §11, so this is checked for labelrow only).
"""

from __future__ import annotations

import copy
import importlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("encord")

import program
import program_medical
from conftest import exception_matches, mask_now, selftest, unified

# ---------------------------------------------------------------------------------------------------
# the base row: every shape, static/dynamic/nested answers, classifications incl. a global one
# ---------------------------------------------------------------------------------------------------


def _attr(path, name, typ, fh, options=(), dynamic=False):
    a = {"id": path, "name": name, "type": typ, "featureNodeHash": fh, "required": False, "dynamic": dynamic}
    a["archived"] = False
    if options:
        a["options"] = list(options)
    return a


def _opt(path, label, fh, nested=()):
    o = {"id": path, "label": label, "value": label.lower(), "featureNodeHash": fh, "archived": False}
    if nested:
        o["options"] = list(nested)
    return o


SHAPES = [
    "bounding_box",
    "rotatable_bounding_box",
    "point",
    "polygon",
    "polyline",
    "bitmask",
    "skeleton",
    "circle",
    "ellipse",
    "cuboid_2d",
    "cuboid",
]


def base_ontology() -> dict:
    objects = []
    for uid, shape in enumerate(SHAPES, start=1):
        o = {
            "id": str(uid),
            "name": f"Obj {shape}",
            "color": "#112233",
            "shape": shape,
            "featureNodeHash": f"obj_{shape}",
            "required": False,
            "archived": False,
        }
        if shape == "bounding_box":
            o["attributes"] = [
                _attr(
                    "1.1",
                    "Color",
                    "radio",
                    "att_color",
                    [
                        _opt("1.1.1", "Red", "opt_red", [_attr("1.1.1.1", "Shade", "text", "att_shade")]),
                        _opt("1.1.2", "Blue", "opt_blue"),
                    ],
                ),
                _attr(
                    "1.2",
                    "Flags",
                    "checklist",
                    "att_flags",
                    [_opt("1.2.1", "Occ", "opt_occ"), _opt("1.2.2", "Tr", "opt_tr")],
                ),
                _attr("1.3", "Score", "numeric", "att_score"),
                _attr(
                    "1.4",
                    "Moving",
                    "radio",
                    "att_moving",
                    [_opt("1.4.1", "Yes", "opt_yes"), _opt("1.4.2", "No", "opt_no")],
                    dynamic=True,
                ),
                _attr("1.5", "Note", "text", "att_note", dynamic=True),
            ]
        objects.append(o)
    skel = {
        "template": {
            "name": "Body",
            "width": 0.5,
            "height": 0.5,
            "skeleton": {
                "0": {
                    "x": 0.1,
                    "y": 0.1,
                    "name": "head",
                    "color": "#000000",
                    "value": "head",
                    "featureHash": "sk_head",
                },
                "1": {
                    "x": 0.2,
                    "y": 0.3,
                    "name": "foot",
                    "color": "#000000",
                    "value": "foot",
                    "featureHash": "sk_foot",
                },
            },
            "skeletonEdges": {"0": {"1": {"color": "#000000"}}},
            "feature_node_hash": "obj_skeleton",
            "shape": "skeleton",
        }
    }
    classifications = [
        {
            "id": "1",
            "featureNodeHash": "cls_weather",
            "attributes": [
                _attr(
                    "1.1",
                    "Weather",
                    "radio",
                    "att_weather",
                    [_opt("1.1.1", "Sun", "opt_sun"), _opt("1.1.2", "Rain", "opt_rain")],
                )
            ],
        },
        {
            "id": "2",
            "featureNodeHash": "cls_tags",
            "level": "global",
            "attributes": [
                _attr(
                    "2.1", "Tags", "checklist", "att_tags", [_opt("2.1.1", "A", "opt_a"), _opt("2.1.2", "B", "opt_b")]
                )
            ],
        },
        {"id": "3", "featureNodeHash": "cls_text", "attributes": [_attr("3.1", "Caption", "text", "att_caption")]},
    ]
    return {"objects": objects, "classifications": classifications, "skeleton_templates": [skel]}


COORDS = {
    "bounding_box": {"t": "bbox", "v": [0.1, 0.2, 0.3, 0.4]},
    "rotatable_bounding_box": {"t": "rbbox", "v": [0.1, 0.2, 0.3, 0.4, 10.0]},
    "point": {"t": "point", "v": [0.5, 0.5]},
    "polygon": {
        "t": "polygon",
        "polygons": [[[[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]], [[0.12, 0.12], [0.15, 0.12], [0.13, 0.14]]]],
    },
    "polyline": {"t": "polyline", "values": [[0.1, 0.1], [0.4, 0.4]]},
    "bitmask": {"t": "bitmask", "w": 8, "h": 6, "rects": [[1, 2, 3, 5]]},
    "skeleton": {
        "t": "skeleton",
        "via": "template",
        "name": "Body",
        "pts": [[0.1, 0.2, "head", None], [0.3, 0.4, "foot", None]],
    },
    "circle": {"t": "circle", "v": [0.5, 0.5, 0.1]},
    "ellipse": {"t": "ellipse", "v": [0.5, 0.5, 0.1, 0.2]},
    "cuboid_2d": {"t": "cuboid2d_p", "front": [[0, 0], [1, 0], [1, 1], [0, 1]], "vp": [0.5, 0.5], "scale": 0.5},
    "cuboid": {"t": "cuboid", "pos": [1, 2, 3], "ori": [0, 0, 0.5], "size": [1, 1, 1]},
}
META = {"ca": [0, 0, 0], "la": [60, 0, 0], "cb": "ann@example.com"}


def base_program(kind: str = "video") -> dict:
    ops: list[dict] = []
    for i, shape in enumerate(SHAPES):
        if kind == "pdf" and shape == "bitmask":
            continue  # pages have no size: a bitmask on one cannot be exported (a case of its own)
        ops.append({"op": "new_obj", "i": i, "feat": f"obj_{shape}", "hash": f"H_{shape}"})
        frames = ["i", 0] if kind == "img_group" else ["r", [0, 2]]
        ops.append(
            {"op": "set_frames", "i": i, "coords": COORDS[shape], "meta": META, "overwrite": False, "frames": frames}
        )
        ops.append({"op": "add_obj", "i": i})
    ops += [
        {"op": "set_answer", "i": 0, "attr": "att_color", "ans": {"opt": "opt_red"}},
        {"op": "set_answer", "i": 0, "attr": "att_shade", "ans": {"text": "dark"}},
        {"op": "set_answer", "i": 0, "attr": "att_flags", "ans": {"opts": ["opt_occ"]}},
        {"op": "set_answer", "i": 0, "attr": "att_score", "ans": {"num": 3}},
        {"op": "set_answer", "i": 0, "attr": "att_moving", "ans": {"opt": "opt_yes"}, "frames": ["i", 0]},
        {"op": "set_answer", "i": 0, "attr": "att_note", "ans": {"text": "hi"}, "frames": ["i", 0]},
        {"op": "new_cls", "k": 0, "feat": "cls_weather", "hash": "C_weather", "ca": [0, 0, 0], "la": [0, 0, 0]},
        {"op": "cls_set_frames", "k": 0, "frames": ["r", [0, 1]], "meta": META, "overwrite": False},
        {"op": "cls_set_answer", "k": 0, "attr": "att_weather", "ans": {"opt": "opt_sun"}},
        {"op": "add_cls", "k": 0},
        {"op": "new_cls", "k": 1, "feat": "cls_tags", "hash": "C_tags", "ca": [0, 0, 0], "la": [0, 0, 0]},
        {"op": "cls_set_frames", "k": 1, "meta": META, "overwrite": False},
        {"op": "cls_set_answer", "k": 1, "attr": "att_tags", "ans": {"opts": ["opt_a"]}},
        {"op": "add_cls", "k": 1},
    ]
    if kind == "video":
        media = {"kind": "video", "fps": 5.0, "duration": 2.0, "width": 8, "height": 6, "file_size": 1}
        media.update(mime_type="video/mp4", n=10)
    elif kind in program_medical.MEDICAL_KINDS:
        media = program_medical.fixed_media(kind)
    else:
        media = {
            "kind": "img_group",
            "images": [
                {"width": 8, "height": 6, "file_size": 1, "mime_type": "image/png"},
                {"width": 5, "height": 4, "file_size": 1, "mime_type": "image/jpeg"},
            ],
            "n": 2,
        }
    return {
        "seed": -1,
        "build": "dict",
        "branch_name": None,
        "ontology": base_ontology(),
        "media": media,
        "ops": ops,
        "queries": {"frames": [0], "obj_filters": [], "cls_filters": []},
    }


def _base_row(lib, prog: dict):
    it = program._Interp(lib, prog)
    for op in prog["ops"]:
        res = it.run_op(op)
        assert res == "ok", (op, res)
    return it


_BASE_CACHE: dict[str, dict] = {}


def base_dict(kind: str) -> dict:
    if kind not in _BASE_CACHE:
        _BASE_CACHE[kind] = _base_row(program.load_lib("encord"), base_program(kind)).row.to_encord_dict()
    return copy.deepcopy(_BASE_CACHE[kind])


# ---------------------------------------------------------------------------------------------------
# mutation helpers
# ---------------------------------------------------------------------------------------------------


def unit(d: dict) -> dict:
    return next(iter(d["data_units"].values()))


def frame_obj(d: dict, shape: str, frame: str = "0") -> dict:
    labels = unit(d)["labels"]
    objs = labels[frame]["objects"] if frame in labels else labels["objects"]
    return next(o for o in objs if o["shape"] == shape)


def all_frame_objs(d: dict, shape: str) -> list[dict]:
    labels = unit(d)["labels"]
    return [o for fr in labels.values() for o in fr["objects"] if o["shape"] == shape]


def obj_answers(d: dict) -> list[dict]:
    return d["object_answers"]["H_bounding_box"]["classifications"]


def ans(d: dict, fh: str) -> dict:
    return next(a for a in obj_answers(d) if a["featureHash"] == fh)


def cls_entry(d: dict, h: str = "C_weather") -> dict:
    return d["classification_answers"][h]


def setp(path: list, value: Any) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        cur = d
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = value

    return f


def delp(path: list) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        cur = d
        for k in path[:-1]:
            cur = cur[k]
        del cur[path[-1]]

    return f


def on_frame_obj(shape: str, fn: Callable[[dict], None]) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        for o in all_frame_objs(d, shape):
            fn(o)

    return f


def on_first_frame_obj(shape: str, fn: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda d: fn(frame_obj(d, shape))


def move_frame(src: str, dst: str) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        labels = unit(d)["labels"]
        labels[dst] = labels.pop(src)

    return f


@dataclass
class Case:
    id: str
    mutate: Callable[[dict], None] | None = None
    api: Callable[[Any, Any], None] | None = None
    expect: str = "same"  # same | labelrow_stricter | accepted
    ref_raises: str | None = None  # documented class name the reference raises (checked)
    kind: str = "video"


def _k(*keys):
    return list(keys)


CASES: list[Case] = []
for key in [
    "label_hash",
    "branch_name",
    "created_at",
    "last_edited_at",
    "data_hash",
    "dataset_hash",
    "dataset_title",
    "data_title",
    "data_type",
    "object_answers",
    "classification_answers",
    "object_actions",
    "label_status",
    "data_units",
]:
    CASES.append(Case(f"missing-top-{key}", delp([key]), ref_raises="KeyError"))
for key in ["data_hash", "data_title", "data_type", "data_sequence", "data_link"]:
    CASES.append(Case(f"missing-unit-{key}", lambda d, key=key: unit(d).pop(key), ref_raises="KeyError"))
CASES += [
    Case("missing-frame-objects", lambda d: unit(d)["labels"]["0"].pop("objects"), ref_raises="KeyError"),
    Case("missing-objectHash", on_first_frame_obj("point", lambda o: o.pop("objectHash")), ref_raises="KeyError"),
    Case("missing-featureHash", on_first_frame_obj("point", lambda o: o.pop("featureHash")), ref_raises="KeyError"),
    Case(
        "missing-bbox-h", on_first_frame_obj("bounding_box", lambda o: o["boundingBox"].pop("h")), ref_raises="KeyError"
    ),
    Case(
        "missing-rbbox-theta",
        on_first_frame_obj("rotatable_bounding_box", lambda o: o["rotatableBoundingBox"].pop("theta")),
    ),
    Case(
        "missing-point-0",
        on_first_frame_obj("point", lambda o: o.update(point={"1": {"x": 0, "y": 0}})),
        ref_raises="KeyError",
    ),
    Case(
        "missing-skeleton-point-name",
        on_first_frame_obj("skeleton", lambda o: o["skeleton"]["0"].pop("name")),
        ref_raises="EncordException",
    ),
    Case("missing-skeleton-entry-name", on_first_frame_obj("skeleton", lambda o: o.pop("name")), ref_raises="KeyError"),
    Case("missing-answer-featureHash", lambda d: ans(d, "att_score").pop("featureHash"), ref_raises="KeyError"),
    Case("missing-answer-answers", lambda d: ans(d, "att_score").pop("answers"), ref_raises="KeyError"),
    Case(
        "missing-object_answers-classifications", lambda d: d["object_answers"]["H_bounding_box"].pop("classifications")
    ),
    Case("missing-action-range", lambda d: d["object_actions"]["H_bounding_box"]["actions"][0].pop("range")),
    Case("missing-classificationHash", lambda d: cls_entry(d).pop("classificationHash"), ref_raises="KeyError"),
    Case("missing-cls-classifications", lambda d: cls_entry(d).pop("classifications"), ref_raises="KeyError"),
    # unknown / wrong-kind feature hashes
    Case(
        "unknown-object-featureHash",
        on_frame_obj("point", lambda o: o.update(featureHash="nope")),
        ref_raises="OntologyError",
    ),
    Case(
        "attribute-as-object",
        on_frame_obj("point", lambda o: o.update(featureHash="att_score")),
        ref_raises="TypeError",
    ),
    Case(
        "classification-as-object",
        on_frame_obj("point", lambda o: o.update(featureHash="cls_text")),
        ref_raises="TypeError",
    ),
    Case("object-as-classification", lambda d: cls_entry(d).update(featureHash="obj_point"), ref_raises="TypeError"),
    Case(
        "unknown-classification-featureHash",
        lambda d: cls_entry(d).update(featureHash="nope"),
        ref_raises="OntologyError",
    ),
    Case(
        "unknown-attribute-in-answers",
        lambda d: ans(d, "att_score").update(featureHash="nope"),
        ref_raises="LabelRowError",
    ),
    Case(
        "unknown-radio-option",
        lambda d: ans(d, "att_color")["answers"][0].update(featureHash="nope"),
        ref_raises="OntologyError",
    ),
    Case(
        "unknown-checklist-option",
        lambda d: ans(d, "att_flags")["answers"][0].update(featureHash="nope"),
        ref_raises="OntologyError",
    ),
    Case(
        "unknown-cls-radio-option",
        lambda d: cls_entry(d)["classifications"][0]["answers"][0].update(featureHash="nope"),
        ref_raises="ValueError",
    ),
    Case(
        "cls-checklist-not-list",
        lambda d: cls_entry(d, "C_tags")["classifications"][0].update(answers={"featureHash": "opt_a"}),
        ref_raises="NotImplementedError",
    ),
    Case("text-answer-not-str", lambda d: ans(d, "att_shade").update(answers=5), ref_raises="ValueError"),
    Case("text-answer-null", lambda d: ans(d, "att_shade").update(answers=None), ref_raises="ValueError"),
    Case("numeric-answer-str", lambda d: ans(d, "att_score").update(answers="x"), ref_raises="LabelRowError"),
    # wrong coordinate types / shapes
    Case(
        "bbox-given-as-polygon",
        on_frame_obj("bounding_box", lambda o: o.update(shape="polygon", polygon={"0": {"x": 0, "y": 0}})),
        ref_raises="LabelRowError",
    ),
    Case(
        "unknown-shape-string",
        on_frame_obj("point", lambda o: o.update(shape="hexagon")),
        ref_raises="NotImplementedError",
    ),
    Case(
        "segmentation-shape", on_frame_obj("point", lambda o: o.update(shape="segmentation")), ref_raises="ValueError"
    ),
    Case(
        "polygon-neither-form",
        on_frame_obj("polygon", lambda o: (o.pop("polygon"), o.pop("polygons"))),
        ref_raises="LabelRowError",
    ),
    Case(
        "polyline-mixed-dims",
        on_frame_obj("polyline", lambda o: o["polyline"]["0"].update(z=1.0)),
        ref_raises="LabelRowError",
    ),
    Case(
        "cuboid2d-vp-without-scale",
        on_frame_obj("cuboid_2d", lambda o: o["cuboid_2d"].pop("scaleRatio")),
        ref_raises="LabelRowError",
    ),
    Case(
        "skeleton-bad-visibility",
        on_frame_obj("skeleton", lambda o: o["skeleton"]["0"].update(visibility="half")),
        ref_raises="EncordException",
    ),
    Case(
        "bitmask-missing-rle",
        on_frame_obj("bitmask", lambda o: o["bitmask"].pop("rleString")),
        ref_raises="EncordException",
    ),
    Case(
        "bitmask-size-mismatch",
        on_frame_obj("bitmask", lambda o: o["bitmask"].update(width=9)),
        ref_raises="ValueError",
    ),
    # frames
    Case("frame-key-not-int", move_frame("1", "a"), ref_raises="ValueError"),
    Case("frame-key-negative", move_frame("1", "-1"), ref_raises="LabelRowError"),
    Case("frame-out-of-range-later", move_frame("2", "50"), ref_raises="LabelRowError"),
    Case(
        "frame-out-of-range-first-accepted",
        lambda d: (move_frame("0", "70")(d), move_frame("1", "71")(d), move_frame("2", "72")(d)),
    ),
    Case(
        "action-range-out-of-bounds",
        lambda d: d["object_actions"]["H_bounding_box"]["actions"][0].update(range=[[0, 12]]),
        ref_raises="LabelRowError",
    ),
    Case(
        "classification-overlap",
        lambda d: d["classification_answers"].update(
            C_dup={**copy.deepcopy(cls_entry(d)), "classificationHash": "C_dup"}
        ),
        ref_raises="LabelRowError",
    ),
    # dates, misc fields
    Case(
        "bad-date-string",
        on_first_frame_obj("point", lambda o: o.update(createdAt="not a date at all")),
        ref_raises="ValueError",
    ),
    Case("bad-top-level-date", setp(["created_at"], "garbage-date"), ref_raises="ValueError"),
    Case("bad-data_type", setp(["data_type"], "hologram"), ref_raises="NotImplementedError"),
    Case("upper-case-data_type", setp(["data_type"], "VIDEO"), ref_raises="NotImplementedError"),
    Case(
        "negative-objectNumber",
        lambda d: d["object_answers"]["H_point"].update(objectNumber=-2),
        ref_raises="LabelRowError",
    ),
    Case(
        "non-empty-spaces", setp(["spaces"], {"x": {"space_type": "video", "labels": {}}}), ref_raises="LabelRowError"
    ),
    Case(
        "event-key-on-video",
        on_first_frame_obj("point", lambda o: o.update(event="upsert")),
        ref_raises="LabelRowError",
    ),
    Case(
        "interpolate-linear-on-video",
        on_first_frame_obj("point", lambda o: o.update(interpolate="linear")),
        ref_raises="LabelRowError",
    ),
    Case(
        "img-group-bad-data_sequence",
        lambda d: unit(d).update(data_sequence="x"),
        ref_raises="ValueError",
        kind="img_group",
    ),
    Case(
        "img-group-bitmask-on-smaller-image",
        lambda d: _move_bitmask_to_image_1(d),
        ref_raises="ValueError",
        kind="img_group",
    ),
    # accepted quirks (must be reproduced, not rejected)
    Case("unknown-label_status", setp(["label_status"], "WEIRD"), expect="accepted"),
    Case(
        "orphan-object-answer",
        lambda d: d["object_answers"].update(ZZ={"classifications": [], "objectHash": "ZZ"}),
        expect="accepted",
    ),
    Case(
        "radio-two-options-ignored",
        lambda d: ans(d, "att_color")["answers"].append(dict(ans(d, "att_color")["answers"][0])),
        expect="accepted",
    ),
    Case("unknown-keys-dropped", on_first_frame_obj("point", lambda o: o.update(zzz=1, reviews=[])), expect="accepted"),
    # garbage the reference passes through: labelrow is stricter
    Case(
        "string-coordinate",
        on_frame_obj("bounding_box", lambda o: o["boundingBox"].update(h="abc")),
        expect="labelrow_stricter",
    ),
    Case(
        "nan-coordinate",
        on_frame_obj("point", lambda o: o["point"]["0"].update(x=math.nan)),
        expect="labelrow_stricter",
    ),
    Case("null-coordinate", on_frame_obj("circle", lambda o: o["circle"].update(r=None)), expect="labelrow_stricter"),
    Case(
        "undecodable-rle",
        on_frame_obj("bitmask", lambda o: o["bitmask"].update(rleString="\x00\x01~~")),
        expect="labelrow_stricter",
    ),
    Case("bool-object-hash", lambda d: _rehash_point(d, True), expect="labelrow_stricter"),
]


def _move_bitmask_to_image_1(d: dict) -> None:
    units = list(d["data_units"].values())
    bm = frame_obj(d, "bitmask")
    units[0]["labels"]["objects"].remove(bm)
    units[1]["labels"]["objects"].append(bm)


def _rehash_point(d: dict, new: Any) -> None:
    for o in all_frame_objs(d, "point"):
        o["objectHash"] = new
    d["object_answers"].pop("H_point", None)


# API-level bad calls: fn(lib, interp) performs the call on a row that holds the base labels.
def _api_set_frames_set(lib, it):
    it.objs[1].set_for_frames(program.make_coords(lib, it.structure, COORDS["rotatable_bounding_box"]), {4, 5})


def _api_filter_set(lib, it):
    it.row.get_object_instances(filter_frames={0})


def _api_frames_tuple(lib, it):
    it.objs[2].remove_from_frames((0, 1))


def _api_bad_date(lib, it):
    it.objs[2].set_for_frames(
        program.make_coords(lib, it.structure, COORDS["point"]), 5, created_at="yesterday", last_edited_at="x"
    )
    it.row.to_encord_dict()


def _api_out_of_range(lib, it):
    it.objs[2].set_for_frames(program.make_coords(lib, it.structure, COORDS["point"]), 10, **program._meta_kwargs(META))


def _api_bad_email(lib, it):
    it.objs[0].get_annotation(0).created_by = "not-an-email"


def _api_wrong_coords(lib, it):
    it.objs[0].set_for_frames(program.make_coords(lib, it.structure, COORDS["point"]), 5, **program._meta_kwargs(META))


def _api_string_coordinate(lib, it):
    coords = lib.BoundingBoxCoordinates(height="abc", width=0.1, top_left_x=0.1, top_left_y=0.1)
    it.objs[0].set_for_frames(coords, 5, **program._meta_kwargs(META))
    it.row.to_encord_dict()


def _api_text_answer_int(lib, it):
    it.objs[0].set_answer(5, attribute=it.get("att_shade"), overwrite=True)


def _api_remove_absent_frame(lib, it):
    it.objs[2].remove_from_frames(7)


def _api_unknown_image_hash(lib, it):
    it.row.get_frame_view("no-such-hash").frame  # noqa: B018


def _api_dynamic_on_static(lib, it):
    it.objs[0].set_answer(3, attribute=it.get("att_score"), frames=1, overwrite=True)


CASES += [
    Case("api-frames-as-set", api=_api_set_frames_set, ref_raises="RuntimeError"),
    Case("api-filter-frames-as-set", api=_api_filter_set, ref_raises="RuntimeError"),
    Case("api-frames-as-tuple", api=_api_frames_tuple, ref_raises="RuntimeError"),
    Case("api-frame-out-of-range", api=_api_out_of_range, ref_raises="LabelRowError"),
    Case("api-bad-email", api=_api_bad_email, ref_raises="ValueError"),
    Case("api-wrong-coordinate-class", api=_api_wrong_coords, ref_raises="LabelRowError"),
    Case("api-text-answer-int", api=_api_text_answer_int, ref_raises="ValueError"),
    Case("api-remove-absent-frame", api=_api_remove_absent_frame, ref_raises="KeyError"),
    Case("api-unknown-image-hash", api=_api_unknown_image_hash, ref_raises="KeyError", kind="img_group"),
    Case("api-frames-on-static-attribute", api=_api_dynamic_on_static, ref_raises="LabelRowError"),
    Case("api-date-as-string", api=_api_bad_date, ref_raises="ValueError"),
    Case("api-string-coordinate", api=_api_string_coordinate, expect="labelrow_stricter"),
]


# ---------------------------------------------------------------------------------------------------
# running a case
# ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    exc: BaseException | None
    stage: str | None  # "call" | "export" | None
    export: Any = None  # to_encord_dict() after success
    before: Any = None
    after: Any = None  # to_encord_dict() after the failure (None when it raised)


def _export(row) -> Any:
    try:
        return json.loads(json.dumps(row.to_encord_dict()))
    except Exception as e:
        return f"export raised {type(e).__name__}"


def run_case(lib, case: Case) -> Outcome:
    prog = base_program(case.kind)
    it = _base_row(lib, prog)
    if case.api is None:
        # load the valid base first, so that the state after a failure can be compared
        it.row.from_labels_dict(base_dict(case.kind))
    before = _export(it.row)
    try:
        if case.api is not None:
            case.api(lib, it)
        else:
            d = base_dict(case.kind)
            case.mutate(d)
            it.row.from_labels_dict(d)
    except Exception as e:
        return Outcome(e, "call", before=before, after=_export(it.row))
    try:
        out = json.loads(json.dumps(it.row.to_encord_dict()))
    except Exception as e:
        return Outcome(e, "export", before=before, after=None)
    return Outcome(None, None, export=out, before=before)


def _label(o: Outcome) -> str:
    if o.exc is None:
        return "no exception"
    return f"{type(o.exc).__module__}.{type(o.exc).__name__} at {o.stage}: {str(o.exc)[:200]}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, ref_lib, our_lib) -> None:
    ref = run_case(ref_lib, case)
    # the table documents the reference: check it first
    if case.expect == "same":
        assert ref.exc is not None, f"table error: the reference accepts {case.id}"
        if case.ref_raises:
            names = [k.__name__ for k in type(ref.exc).__mro__]
            assert case.ref_raises in names, (
                f"table error: reference raised {_label(ref)}, table says {case.ref_raises}"
            )
    else:
        assert ref.exc is None, f"table error: the reference raises for {case.id}: {_label(ref)}"

    if case.expect == "labelrow_stricter" and selftest():
        pytest.skip("self-test: the reference cannot be stricter than itself")
    ours = run_case(our_lib, case)
    if case.expect == "accepted":
        assert ours.exc is None, f"{case.id}: the reference accepts this input, labelrow raised {_label(ours)}"
        ref_export, our_export = mask_now(ref.export), mask_now(ours.export)
        assert json.dumps(our_export) == json.dumps(ref_export), unified(
            ref_export, our_export, "reference", "labelrow"
        )
        return
    assert ours.exc is not None, f"{case.id}: labelrow raised nothing (reference: {_label(ref)})"
    if case.expect == "labelrow_stricter":
        exc_mod = importlib.import_module(f"{our_lib.package}.exceptions")
        assert isinstance(ours.exc, exc_mod.LabelRowError), f"{case.id}: expected LabelRowError, got {_label(ours)}"
    else:
        assert exception_matches(ref.exc, ours.exc, our_lib), (
            f"{case.id}: reference raised {_label(ref)}; labelrow raised {_label(ours)}"
        )
        if ref.stage == "call":
            assert ours.stage == "call", f"{case.id}: labelrow raised later than the reference: {_label(ours)}"
    if ours.stage == "call" and our_lib.name == "labelrow" and not selftest():
        # a failed call must leave labelrow's row unchanged
        assert json.dumps(ours.after) == json.dumps(ours.before), (
            f"{case.id}: the row changed after a failed call\n" + unified(ours.before, ours.after, "before", "after")
        )


def test_base_rows_agree(ref_lib, our_lib) -> None:
    """The base rows used by the table are identical in both libraries (built through the API)."""
    for kind in ("video", "img_group", *program_medical.MEDICAL_KINDS):
        a = _base_row(ref_lib, base_program(kind)).row.to_encord_dict()
        b = _base_row(our_lib, base_program(kind)).row.to_encord_dict()
        assert json.dumps(a) == json.dumps(b), unified(a, b, "reference", "labelrow")
