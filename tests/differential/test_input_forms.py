"""Dicts from real exports load as the reference reads them.

A base row is built through the API in both libraries (fixed hashes, fixed aware datetimes): a small video
row and an image-group row with objects of several shapes, static and dynamic answers and classifications.
The base rows must agree (``test_base_rows_agree``); the reference's export of each is the starting point.

Each case applies one alternative or older input form (label-row.md §1.1, §3 - §9, the index's "20 facts")
to a deep copy of that dict, loads it with ``from_labels_dict`` into a fresh row of each library and
compares ``json.dumps(to_encord_dict())`` (key order and number types matter), or the exception categories
when the reference raises. Timestamps that the libraries fill in with "now" are masked on both sides.

Cases where labelrow deliberately differs (docs/compatibility.md) assert the documented labelrow behaviour
and say so in their id (``labelrow-stricter-*``, ``*-labelrow-row-unchanged``).
"""

from __future__ import annotations

import copy
import importlib
import json
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest

pytest.importorskip("encord")

import program
from conftest import exception_matches, mask_now, selftest, unified

# ---------------------------------------------------------------------------------------------------
# ontology
# ---------------------------------------------------------------------------------------------------


def _attr(uid: str, name: str, typ: str, fh: str, options=(), dynamic: bool = False) -> dict:
    a = {"id": uid, "name": name, "type": typ, "featureNodeHash": fh, "required": False, "dynamic": dynamic}
    if options:
        a["options"] = list(options)
    return a


def _opt(uid: str, label: str, fh: str, nested=()) -> dict:
    o = {"id": uid, "label": label, "value": label.lower().replace(" ", "_"), "featureNodeHash": fh}
    if nested:
        o["options"] = list(nested)
    return o


def _obj(uid: int, name: str, shape: str, fh: str, attrs=()) -> dict:
    o = {"id": str(uid), "name": name, "color": f"#{uid:02d}{uid:02d}AA", "shape": shape, "featureNodeHash": fh}
    if attrs:
        o["attributes"] = list(attrs)
    return o


ONTOLOGY = {
    "objects": [
        _obj(
            1,
            "Big Box",
            "bounding_box",
            "obj_box",
            [
                _attr(
                    "1.1",
                    "Color",
                    "radio",
                    "att_color",
                    [
                        _opt("1.1.1", "Red", "opt_red", [_attr("1.1.1.1", "Shade note", "text", "att_shade")]),
                        _opt("1.1.2", "Dark Blue", "opt_blue"),
                    ],
                ),
                _attr(
                    "1.2",
                    "Flags",
                    "checklist",
                    "att_flags",
                    [_opt("1.2.1", "Occluded", "opt_occ"), _opt("1.2.2", "Truncated", "opt_tr")],
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
                _attr(
                    "1.5",
                    "Dyn Flags",
                    "checklist",
                    "att_dflags",
                    [_opt("1.5.1", "DA", "opt_da"), _opt("1.5.2", "DB", "opt_db")],
                    dynamic=True,
                ),
                _attr("1.6", "Note", "text", "att_note", dynamic=True),
            ],
        ),
        _obj(2, "Poly", "polygon", "obj_poly"),
        _obj(3, "Line", "polyline", "obj_line"),
        _obj(4, "Pt", "point", "obj_point"),
        _obj(5, "Mask", "bitmask", "obj_mask"),
        _obj(6, "Skel", "skeleton", "obj_skel"),
        _obj(7, "Circ", "circle", "obj_circle"),
        _obj(8, "Ell", "ellipse", "obj_ellipse"),
        _obj(9, "Rot Box", "rotatable_bounding_box", "obj_rbb"),
    ],
    "classifications": [
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
            "attributes": [
                _attr(
                    "2.1",
                    "Tags",
                    "checklist",
                    "att_tags",
                    [_opt("2.1.1", "A", "opt_a"), _opt("2.1.2", "B", "opt_b"), _opt("2.1.3", "C", "opt_c")],
                )
            ],
        },
        {
            "id": "3",
            "featureNodeHash": "cls_caption",
            "level": "global",
            "attributes": [_attr("3.1", "Caption", "text", "att_caption")],
        },
    ],
    "skeleton_templates": [
        {
            "template": {
                "name": "Body",
                "width": 0.5,
                "height": 0.5,
                "skeleton": {
                    "0": {
                        "x": 0.1,
                        "y": 0.1,
                        "name": "head",
                        "color": "#00FF00",
                        "value": "head",
                        "featureHash": "sk_head",
                    },
                    "1": {
                        "x": 0.2,
                        "y": 0.4,
                        "name": "foot",
                        "color": "#00FF00",
                        "value": "foot",
                        "featureHash": "sk_foot",
                    },
                },
                "skeletonEdges": {"0": {"1": {"color": "#FF0000"}}},
                "feature_node_hash": "obj_skel",
                "shape": "skeleton",
            }
        }
    ],
}

# ---------------------------------------------------------------------------------------------------
# base rows (built through the API)
# ---------------------------------------------------------------------------------------------------

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime(2024, 1, 2, 5, 6, 7, tzinfo=timezone(timedelta(hours=2)))
T2 = datetime(2024, 3, 4, 10, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
ROW_CREATED = "Mon, 01 Jan 2024 00:00:00 UTC"
ROW_EDITED = "Tue, 02 Jan 2024 12:00:00 UTC"

VIDEO = {"fps": 5.0, "duration": 2.0, "width": 8, "height": 6}  # 10 frames
IMAGES = [(8, 6, "image/png"), (5, 4, "image/jpeg"), (6, 6, "image/png")]


def _holder(lib) -> Any:
    return types.SimpleNamespace(structure=lib.OntologyStructure.from_dict(json.loads(json.dumps(ONTOLOGY))))


def new_row(lib, kind: str, holder: Any = None, images: list | None = None):
    holder = holder or _holder(lib)
    if kind == "video":
        media = lib.CustomerProvidedVideoMetadata(file_size=100, mime_type="video/mp4", **VIDEO)
    else:
        media = [
            lib.CustomerProvidedImageMetadata(width=w, height=h, mime_type=m, file_size=10)
            for w, h, m in (images or IMAGES)
        ]
    return lib.LabelRowV2.from_media_metadata(holder, media)


def _mask(h: int, w: int, y0: int, x0: int, y1: int, x1: int) -> np.ndarray:
    a = np.zeros((h, w), dtype=bool)
    a[y0:y1, x0:x1] = True
    return a


def build_base_row(lib, kind: str):
    holder = _holder(lib)
    s = holder.structure
    row = new_row(lib, kind, holder)
    P = lib.PointCoordinate
    get = s.get_child_by_hash
    video = kind == "video"

    def meta(i: int) -> dict:
        kw: dict[str, Any] = {"created_at": [T0, T1, T2][i % 3], "last_edited_at": [T1, T2, T0][i % 3]}
        kw["created_by"] = ["ann@example.com", "bob@lab.org", None][i % 3]
        if i % 2:
            kw["last_edited_by"] = "eve@lab.org"
        kw["confidence"] = [1.0, 0.75, 0.5][i % 3]
        kw["manual_annotation"] = i % 4 != 3
        return kw

    def place(fh: str, h: str, coords_frames: list, number: int | None = None):
        o = lib.ObjectInstance(get(fh), object_hash=h)
        if number is not None:
            o.object_number = number
        for i, (coords, frames) in enumerate(coords_frames):
            o.set_for_frames(coords, frames, **meta(i + len(h)))
        row.add_object_instance(o)
        return o

    bbox = lib.BoundingBoxCoordinates(height=0.25, width=0.5, top_left_x=0.1, top_left_y=0.2)
    bbox2 = lib.BoundingBoxCoordinates(height=0.3, width=0.1, top_left_x=0.5, top_left_y=0.5)
    box_frames = [(bbox, lib.Range(0, 1)), (bbox2, [2, 3])] if video else [(bbox, 0), (bbox2, 2)]
    box = place("obj_box", "BOX1", box_frames, number=1)
    box.set_answer(get("opt_red"), attribute=get("att_color"))
    box.set_answer("dark", attribute=get("att_shade"))
    box.set_answer([get("opt_occ")], attribute=get("att_flags"))
    box.set_answer(3, attribute=get("att_score"))
    if video:
        box.set_answer(get("opt_yes"), attribute=get("att_moving"), frames=lib.Range(0, 1))
        box.set_answer(get("opt_no"), attribute=get("att_moving"), frames=[2, 3])
        box.set_answer([get("opt_da")], attribute=get("att_dflags"), frames=lib.Range(0, 2))
        box.set_answer("hi", attribute=get("att_note"), frames=1)
    else:
        box.set_answer(get("opt_yes"), attribute=get("att_moving"), frames=0)
        box.set_answer(get("opt_no"), attribute=get("att_moving"), frames=2)
        box.set_answer([get("opt_da")], attribute=get("att_dflags"), frames=[0, 2])
        box.set_answer("hi", attribute=get("att_note"), frames=2)
    box2 = place("obj_box", "BOX2", [(bbox2, 5 if video else 1)], number=7)
    box2.set_answer(get("opt_blue"), attribute=get("att_color"))
    box2.set_answer(0.5, attribute=get("att_score"))

    ring = [P(x=0.1, y=0.1), P(x=0.6, y=0.1), P(x=0.6, y=0.6), P(x=0.1, y=0.6)]
    hole = [P(x=0.2, y=0.2), P(x=0.3, y=0.2), P(x=0.25, y=0.3)]
    poly = lib.PolygonCoordinates(polygons=[[ring, hole]])
    place("obj_poly", "POLY", [(poly, [0, 2] if video else 1)])
    line = lib.PolylineCoordinates(values=[P(x=0.1, y=0.2), P(x=0.3, y=0.4), P(x=0.5, y=0.1)])
    place("obj_line", "LINE", [(line, 1)])
    place("obj_point", "PT", [(P(x=0.5, y=0.25), 0), (P(x=0.75, y=0.5), 4 if video else 2)])
    if video:
        place("obj_mask", "MASK", [(lib.BitmaskCoordinates(_mask(6, 8, 1, 2, 4, 5)), 3)])
    else:
        place("obj_mask", "MASK", [(lib.BitmaskCoordinates(_mask(6, 6, 0, 1, 2, 5)), 2)])
    skel = s.skeleton_templates["Body"].create_instance(
        [lib.SkeletonCoordinate(x=0.1, y=0.2, name="head"), lib.SkeletonCoordinate(x=0.3, y=0.4, name="foot")]
    )
    place("obj_skel", "SKEL", [(skel, 2 if video else 1)])
    place("obj_circle", "CIRC", [(lib.CircleCoordinates(center_x=0.5, center_y=0.5, radius=0.1), 0)])
    place("obj_ellipse", "ELL", [(lib.EllipseCoordinates(center_x=0.4, center_y=0.5, rx=0.1, ry=0.2), 1)])
    rbb = lib.RotatableBoundingBoxCoordinates(height=0.1, width=0.2, top_left_x=0.3, top_left_y=0.4, theta=15.0)
    place("obj_rbb", "RBB", [(rbb, 6 if video else 2)])

    def classify(fh: str, h: str, frames, answer, attr: str, i: int):
        c = lib.ClassificationInstance(get(fh), classification_hash=h)
        if frames is None:
            c.set_for_frames(**meta(i))
        else:
            c.set_for_frames(frames, **meta(i))
        c.set_answer(answer, attribute=get(attr))
        row.add_classification_instance(c)

    classify(
        "cls_weather",
        "C_SUN",
        [lib.Range(0, 2), lib.Range(5, 5)] if video else [0, 1],
        get("opt_sun"),
        "att_weather",
        0,
    )
    if video:
        classify("cls_weather", "C_RAIN", lib.Range(7, 8), get("opt_rain"), "att_weather", 1)
    classify("cls_tags", "C_TAGS", [3, 4] if video else 2, [get("opt_a"), get("opt_b")], "att_tags", 2)
    classify("cls_caption", "C_CAP", None, "hello", "att_caption", 3)
    return row


_BASE: dict[str, dict] = {}


def base_dict(kind: str) -> dict:
    """The reference's export of the base row, with the row-level timestamps pinned."""
    if kind not in _BASE:
        d = build_base_row(program.load_lib("encord"), kind).to_encord_dict()
        d["created_at"] = ROW_CREATED
        d["last_edited_at"] = ROW_EDITED
        _BASE[kind] = json.loads(json.dumps(d))
    return copy.deepcopy(_BASE[kind])


# ---------------------------------------------------------------------------------------------------
# dict helpers
# ---------------------------------------------------------------------------------------------------


def units(d: dict) -> list[dict]:
    return list(d["data_units"].values())


def blobs(d: dict) -> list[dict]:
    """Every ``{"objects": [...], "classifications": [...]}`` blob (frames of videos, image-group units)."""
    out = []
    for u in units(d):
        labels = u["labels"]
        out += [labels] if "objects" in labels else list(labels.values())
    return out


def frame_objs(d: dict, shape: str | None = None) -> list[dict]:
    return [o for b in blobs(d) for o in b["objects"] if shape is None or o["shape"] == shape]


def obj_answers(d: dict, h: str = "BOX1") -> list[dict]:
    return d["object_answers"][h]["classifications"]


def answer(d: dict, fh: str, h: str = "BOX1") -> dict:
    return next(a for a in obj_answers(d, h) if a["featureHash"] == fh)


def actions(d: dict, h: str = "BOX1") -> list[dict]:
    return d["object_actions"][h]["actions"]


def cls(d: dict, h: str = "C_SUN") -> dict:
    return d["classification_answers"][h]


def each_obj(shape: str | None, fn: Callable[[dict], Any]) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        for o in frame_objs(d, shape):
            fn(o)

    return f


def each_cls(fn: Callable[[dict], Any]) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        for c in d["classification_answers"].values():
            fn(c)

    return f


def seq(*fns: Callable[[dict], Any]) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        for fn in fns:
            fn(d)

    return f


def pop(*keys: str) -> Callable[[dict], None]:
    def f(x: dict) -> None:
        for k in keys:
            x.pop(k, None)

    return f


def upd(**kw: Any) -> Callable[[dict], None]:
    return lambda x: x.update(copy.deepcopy(kw))


def rename_key(old: str, new: str) -> Callable[[dict], None]:
    def f(x: dict) -> None:
        x[new] = x.pop(old)

    return f


def shuffled_points(n: int, start: float = 0.0) -> dict:
    """An index-keyed point dict with keys in a non-sorted order, "10" before "2"."""
    pts = {str(i): {"x": round(start + i / 20, 3), "y": round(0.5 - i / 40, 3)} for i in range(n)}
    order = sorted(pts, key=str)[::-1]  # "9", "8", ..., "11", "10", "1", "0"
    return {k: pts[k] for k in order}


def point_list(n: int, start: float = 0.0) -> list[dict]:
    return [{"x": round(start + i / 20, 3), "y": round(0.5 - i / 40, 3)} for i in range(n)]


# ---------------------------------------------------------------------------------------------------
# "now" masking
# ---------------------------------------------------------------------------------------------------

NOW = "<now>"


# ---------------------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    mutate: Callable[[dict], Any] = lambda d: None
    kind: str = "video"  # video | img_group
    load_kw: dict = field(default_factory=dict)
    export_kw: dict = field(default_factory=dict)
    #: builds the row the dict is loaded into (default: a fresh ``from_media_metadata`` row of ``kind``)
    target: Callable[[Any], Any] | None = None
    #: same: outputs (or exception categories) equal | raises: both raise alike (checked) |
    #: labelrow_stricter: the reference accepts, labelrow raises LabelRowError (docs/compatibility.md)
    expect: str = "same"
    #: the reference's export must contain the "now" placeholder (a missing timestamp was filled in)
    has_now: bool = False
    marks: tuple = ()


CASES: list[Case] = []

#: a complete DICOM slice metadata record (label-row.md §4.1): read, never written back
SLICE = {
    "dicom_instance_uid": "1.2.3",
    "multiframe_frame_number": None,
    "file_uri": "s3://x/0.dcm",
    "width": 8,
    "height": 6,
}


def xfail_bug(reason: str) -> Any:
    return pytest.mark.xfail(strict=True, reason=f"labelrow bug: {reason}")


def add(*cases: Case) -> None:
    CASES.extend(cases)


def both(id_: str, mutate: Callable[[dict], Any], **kw: Any) -> None:
    """The same form on the video and on the image-group base."""
    add(Case(f"video-{id_}", mutate, "video", **kw), Case(f"img_group-{id_}", mutate, "img_group", **kw))


# -- sanity and frame-level classifications ---------------------------------------------------------
both("unchanged", lambda d: None)


def _frame_level_classifications(d: dict) -> None:
    old = {
        "name": "Weather",
        "value": "weather",
        "createdAt": "Thu, 09 Feb 2023 14:12:03 GMT",
        "createdBy": "x@y.org",
        "confidence": 1,
        "featureHash": "cls_weather",
        "classificationHash": "C_FRAME_ONLY",
        "manualAnnotation": True,
    }
    for b in blobs(d):
        b["classifications"] = [dict(old), {**old, "classificationHash": "C_SUN"}]


both("frame-level-classifications-ignored", _frame_level_classifications)
both("frame-level-classifications-key-missing", lambda d: [b.pop("classifications") for b in blobs(d)])

# -- polygons ---------------------------------------------------------------------------------------
both(
    "polygon-dict-unsorted-keys-with-10-no-polygons",
    each_obj("polygon", lambda o: (o.update(polygon=shuffled_points(12)), o.pop("polygons"))),
)
both(
    "polygon-dict-reversed-keys-consistent-polygons",
    each_obj("polygon", lambda o: o.update(polygon=dict(reversed(list(o["polygon"].items()))))),
)
both(
    "polygon-dict-unsorted-keys-with-10-polygons-null",
    each_obj("polygon", lambda o: o.update(polygon=shuffled_points(11), polygons=None)),
)
both("polygon-list-no-polygons", each_obj("polygon", lambda o: (o.update(polygon=point_list(5)), o.pop("polygons"))))
both("polygon-list-consistent-polygons", each_obj("polygon", lambda o: o.update(polygon=list(o["polygon"].values()))))
both("polygon-only-polygons", each_obj("polygon", pop("polygon")))
both("polygon-inconsistent-polygons-win", each_obj("polygon", lambda o: o.update(polygon=shuffled_points(3, 0.3))))
both(
    "polygon-two-polygons",
    each_obj("polygon", lambda o: o["polygons"].append([[0.7, 0.7, 0.9, 0.7, 0.8, 0.9]])),
)
both(
    "polygon-points-extra-keys-and-z",
    each_obj("polygon", lambda o: [p.update(z=0.5, label="q") for p in o["polygon"].values()]),
)
both(
    "polygon-int-coordinates",
    each_obj(
        "polygon",
        lambda o: (o.update(polygon=[{"x": 0, "y": 1}, {"x": 1, "y": 1}, {"x": 1, "y": 0}]), o.pop("polygons")),
    ),
)

# -- polylines, points ------------------------------------------------------------------------------
both("polyline-dict-unsorted-keys-with-10", each_obj("polyline", lambda o: o.update(polyline=shuffled_points(12))))
both("polyline-list", each_obj("polyline", lambda o: o.update(polyline=point_list(4))))
both(
    "polyline-list-3d",
    each_obj("polyline", lambda o: o.update(polyline=[{**p, "z": i} for i, p in enumerate(point_list(3))])),
)
both("polyline-empty-dict", each_obj("polyline", lambda o: o.update(polyline={})))
both(
    "polyline-extra-point-keys",
    each_obj("polyline", lambda o: [p.update(label="a", visible=True) for p in o["polyline"].values()]),
)
both("point-extra-keys", each_obj("point", lambda o: o["point"]["0"].update(label="nose", w=3)))
both("point-extra-indices", each_obj("point", lambda o: o["point"].update({"1": {"x": 0.9, "y": 0.9}})))
both("point-z", each_obj("point", lambda o: o["point"]["0"].update(z=0.25)))
both("point-int-coordinates", each_obj("point", lambda o: o["point"]["0"].update(x=0, y=1)))

# -- bitmask ----------------------------------------------------------------------------------------
both("bitmask-rle_string", each_obj("bitmask", lambda o: rename_key("rleString", "rle_string")(o["bitmask"])))
both("bitmask-float-sizes", each_obj("bitmask", lambda o: o["bitmask"].update(top=0.0, left=0.0)))
both("bitmask-extra-keys", each_obj("bitmask", lambda o: o["bitmask"].update(encoding="rle", extra=None)))
both(
    "labelrow-stricter-bitmask-undecodable-rle",
    each_obj("bitmask", lambda o: o["bitmask"].update(rleString="\x00~~")),
    expect="labelrow_stricter",
)

# -- skeleton ---------------------------------------------------------------------------------------


def _skel_points(fn: Callable[[int, dict], Any]) -> Callable[[dict], None]:
    def f(o: dict) -> None:
        for i, p in enumerate(o["skeleton"].values()):
            fn(i, p)

    return f


both("skeleton-bool-invisible", each_obj("skeleton", _skel_points(lambda i, p: p.update(invisible=i == 0))))
both(
    "skeleton-bool-flags-all",
    each_obj(
        "skeleton",
        _skel_points(lambda i, p: p.update(invisible=False, occluded=i == 1, selfOccluded=i == 0, visible=True)),
    ),
)
both("skeleton-bool-visible", each_obj("skeleton", _skel_points(lambda i, p: p.update(visible=True))))
both(
    "skeleton-bool-flag-overrides-visibility-string",
    each_obj("skeleton", _skel_points(lambda i, p: p.update(visibility="visible", occluded=True))),
)
both(
    "skeleton-visibility-strings",
    each_obj("skeleton", _skel_points(lambda i, p: p.update(visibility=["occluded", "selfOccluded"][i]))),
)
both("skeleton-int-xy", each_obj("skeleton", _skel_points(lambda i, p: p.update(x=i, y=1))))
both(
    "skeleton-point-extras",
    each_obj("skeleton", _skel_points(lambda i, p: p.update(color="#123456", value=f"v{i}", featureHash=None, q=1))),
)
both("skeleton-point-without-featureHash", each_obj("skeleton", _skel_points(lambda i, p: p.pop("featureHash"))))
both("skeleton-entry-wrong-name", each_obj("skeleton", upd(name="Whatever")))

# -- circle / ellipse / boxes -----------------------------------------------------------------------
both("circle-without-stretch-theta", each_obj("circle", lambda o: pop("stretch", "theta")(o["circle"])))
both("circle-int-values", each_obj("circle", lambda o: o["circle"].update(x=1, y=0, r=2, stretch=2, theta=90)))
both("ellipse-without-theta", each_obj("ellipse", lambda o: o["ellipse"].pop("theta")))
both("bbox-int-coordinates-and-extras", each_obj("bounding_box", lambda o: o["boundingBox"].update(x=0, y=1, extra=5)))
both("rbbox-int-theta", each_obj("rotatable_bounding_box", lambda o: o["rotatableBoundingBox"].update(theta=0)))

# -- dates ------------------------------------------------------------------------------------------
DATE_FORMS = {
    "plain": "2023-02-09 14:12:03",
    "gmt": "Thu, 09 Feb 2023 14:12:03 GMT",
    "utc-wrong-weekday": "Mon, 09 Feb 2023 14:12:03 UTC",
    "iso-offset": "2023-02-09T14:12:03+02:00",
    "iso-negative-offset": "2023-02-09T23:12:03-05:30",
    "iso-z": "2023-02-09T14:12:03Z",
    "iso-microseconds": "2023-02-09T14:12:03.654321+00:00",
    "iso-naive": "2023-02-09T14:12:03",
    "dateutil-slashes": "2023/02/09 14:12",
    "dateutil-month-name": "Feb 9 2023",
    "dateutil-rfc-offset": "Thu, 09 Feb 2023 14:12:03 +0200",
}
DATE_PLACES: dict[str, Callable[[str], Callable[[dict], None]]] = {
    "frame-objects": lambda s: each_obj(None, upd(createdAt=s, lastEditedAt=s)),
    "classification-answers": lambda s: each_cls(upd(createdAt=s, lastEditedAt=s)),
    "top-level": lambda s: upd(created_at=s, last_edited_at=s),
}
for place, fn in DATE_PLACES.items():
    for form, s in DATE_FORMS.items():
        add(Case(f"video-date-{place}-{form}", fn(s)))
    add(Case(f"img_group-date-{place}-iso-offset", fn(DATE_FORMS["iso-offset"]), "img_group"))
both(
    "date-mixed-created-vs-edited",
    seq(
        each_obj(None, upd(createdAt="Feb 9 2023", lastEditedAt="2023-02-10 01:00:00")),
        each_cls(upd(createdAt="2023-02-09T14:12:03Z", lastEditedAt="Thu, 09 Feb 2023 14:12:03 GMT")),
    ),
)
both("date-top-level-null", upd(created_at=None, last_edited_at=None))
both("date-classification-null", each_cls(upd(createdAt=None, lastEditedAt=None)), has_now=True)
both("date-frame-object-null", each_obj(None, upd(createdAt=None, lastEditedAt=None)), has_now=True)

# -- missing optional keys --------------------------------------------------------------------------
for key in ("createdBy", "confidence", "manualAnnotation", "lastEditedBy"):
    both(f"frame-object-missing-{key}", each_obj(None, pop(key)))
    both(f"classification-missing-{key}", each_cls(pop(key)))
for key in ("createdAt", "lastEditedAt"):
    both(f"frame-object-missing-{key}", each_obj(None, pop(key)), has_now=True)
    both(f"classification-missing-{key}", each_cls(pop(key)), has_now=True)
both(
    "frame-object-only-required-keys",
    each_obj(
        None,
        lambda o: [
            o.pop(k)
            for k in list(o)
            if k
            not in (
                "objectHash",
                "featureHash",
                "shape",
                "name",
                "boundingBox",
                "polygon",
                "polygons",
                "polyline",
                "point",
                "bitmask",
                "skeleton",
                "circle",
                "ellipse",
                "rotatableBoundingBox",
            )
        ],
    ),
    has_now=True,
)
both("frame-object-null-createdBy-lastEditedBy", each_obj(None, upd(createdBy=None, lastEditedBy=None)))
both("classification-null-createdBy-lastEditedBy", each_cls(upd(createdBy=None, lastEditedBy=None)))
both(
    "answers-missing-name-value-manualAnnotation",
    lambda d: [
        pop("name", "value", "manualAnnotation")(a) for e in d["object_answers"].values() for a in e["classifications"]
    ],
)
both(
    "options-missing-name-value",
    lambda d: [pop("name", "value")(o) for a in obj_answers(d) if isinstance(a["answers"], list) for o in a["answers"]],
)
both(
    "actions-missing-name-value-dynamic-shouldPropagate",
    lambda d: [pop("name", "value", "dynamic", "shouldPropagate", "manualAnnotation")(a) for a in actions(d)],
)
both("top-level-missing-optional-keys", pop("annotation_task_status", "is_shadow_data", "spaces"))
both("unit-missing-width-height", lambda d: [pop("width", "height")(u) for u in units(d)])
both("unit-null-width-height", lambda d: [u.update(width=None, height=None) for u in units(d)])
both("unit-missing-labels", lambda d: [u.pop("labels") for u in units(d)])
both("unit-missing-fps-duration", lambda d: [pop("data_fps", "data_duration")(u) for u in units(d)])
add(Case("img_group-unit-missing-data_link", lambda d: [u.pop("data_link") for u in units(d)], "img_group"))

# -- numbers ----------------------------------------------------------------------------------------
both("confidence-int-1", seq(each_obj(None, upd(confidence=1)), each_cls(upd(confidence=1))))
both("confidence-int-0", seq(each_obj(None, upd(confidence=0)), each_cls(upd(confidence=0))))
both("confidence-float-fraction", seq(each_obj(None, upd(confidence=0.123456789)), each_cls(upd(confidence=1e-05))))
both("confidence-null", seq(each_obj(None, upd(confidence=None)), each_cls(upd(confidence=None))))
both(
    "numeric-answer-int-vs-float",
    lambda d: (answer(d, "att_score").update(answers=3.0), answer(d, "att_score", "BOX2").update(answers=0)),
)
both("numeric-answer-bool", lambda d: answer(d, "att_score").update(answers=True))
both("labelrow-stricter-confidence-string", each_obj(None, upd(confidence="0.5")), expect="labelrow_stricter")
both("labelrow-stricter-classification-confidence-string", each_cls(upd(confidence="high")), expect="labelrow_stricter")
both(
    "labelrow-stricter-manualAnnotation-string", each_obj(None, upd(manualAnnotation="yes")), expect="labelrow_stricter"
)
both(
    "labelrow-stricter-string-coordinate",
    each_obj("point", lambda o: o["point"]["0"].update(x="0.5")),
    expect="labelrow_stricter",
)

# -- unknown extra keys -----------------------------------------------------------------------------
EXTRA = {"zzUnknown": 1, "trackHash": "t", "spaceId": None}
EXTRA_PLACES: dict[str, Callable[[dict], Any]] = {
    "top-level": lambda d: d.update(copy.deepcopy(EXTRA), is_image_sequence=True, video_link="x", task_uuid="u"),
    "data-unit": lambda d: [u.update(copy.deepcopy(EXTRA), metadata={"a": 1}) for u in units(d)],
    "labels-blob": lambda d: [b.update(copy.deepcopy(EXTRA)) for b in blobs(d)],
    "frame-object": each_obj(None, upd(**EXTRA)),
    "geometry-dict": lambda d: [o["boundingBox"].update(copy.deepcopy(EXTRA)) for o in frame_objs(d, "bounding_box")],
    "object-answers-entry": lambda d: [e.update(copy.deepcopy(EXTRA)) for e in d["object_answers"].values()],
    "static-answer": lambda d: [a.update(copy.deepcopy(EXTRA)) for a in obj_answers(d)],
    "answer-option": lambda d: [
        o.update(copy.deepcopy(EXTRA)) for a in obj_answers(d) if isinstance(a["answers"], list) for o in a["answers"]
    ],
    "object-actions-entry": lambda d: d["object_actions"]["BOX1"].update(copy.deepcopy(EXTRA)),
    "action": lambda d: [a.update(copy.deepcopy(EXTRA)) for a in actions(d)],
    "classification-entry": each_cls(upd(**EXTRA, reviews=[{"a": 1}])),
    "classification-static-answer": lambda d: [
        a.update(copy.deepcopy(EXTRA)) for c in d["classification_answers"].values() for a in c["classifications"]
    ],
}
for place, fn in EXTRA_PLACES.items():
    both(f"unknown-keys-{place}", fn)
both("unknown-keys-everywhere", seq(*EXTRA_PLACES.values()))

# -- regenerated name / color / value ----------------------------------------------------------------
both("wrong-name-color-value-frame-objects", each_obj(None, upd(name="WRONG", color="#000000", value="zzz")))
both("missing-color-value-frame-objects", each_obj(None, pop("color", "value")))
both(
    "wrong-name-value-answers",
    lambda d: [a.update(name="N", value="V") for e in d["object_answers"].values() for a in e["classifications"]],
)
both(
    "wrong-name-value-options",
    lambda d: [
        o.update(name="N", value="V") for a in obj_answers(d) if isinstance(a["answers"], list) for o in a["answers"]
    ],
)
both("wrong-name-value-actions", lambda d: [a.update(name="N", value="V") for a in actions(d)])
both(
    "wrong-name-value-classification-answers",
    lambda d: [
        a.update(name="N", value="V") for c in d["classification_answers"].values() for a in c["classifications"]
    ],
)
both("wrong-shape-string-case-kept-by-ontology", each_obj("bounding_box", upd(shape="bounding_box")))

# -- answer metadata and list forms -----------------------------------------------------------------
both(
    "static-answers-manualAnnotation-false",
    lambda d: [a.update(manualAnnotation=False) for e in d["object_answers"].values() for a in e["classifications"]],
)
both(
    "dynamic-answers-manualAnnotation-false-shouldPropagate-true",
    lambda d: [a.update(manualAnnotation=False, shouldPropagate=True) for a in actions(d)],
)
both(
    "classification-inner-answers-manualAnnotation-false",
    lambda d: [
        a.update(manualAnnotation=False) for c in d["classification_answers"].values() for a in c["classifications"]
    ],
)
both("classification-entry-manualAnnotation-false", each_cls(upd(manualAnnotation=False)))


def _split_object_checklist(d: dict) -> None:
    a = answer(d, "att_flags")
    opt_tr = {"name": "Truncated", "value": "truncated", "featureHash": "opt_tr"}
    obj_answers(d).append({**copy.deepcopy(a), "answers": [opt_tr]})


def _split_object_checklist_reversed(d: dict) -> None:
    a = answer(d, "att_flags")
    a["answers"] = [{"featureHash": "opt_tr"}]
    obj_answers(d).insert(0, {**copy.deepcopy(a), "answers": [{"featureHash": "opt_occ"}]})


def _split_classification_checklist(d: dict) -> None:
    c = cls(d, "C_TAGS")
    first = copy.deepcopy(c["classifications"][0])
    c["classifications"] = [first, {**copy.deepcopy(first), "answers": [{"featureHash": "opt_c"}]}]


both("object-split-checklist-merged", _split_object_checklist)
both("object-split-checklist-reversed-option-order", _split_object_checklist_reversed)
both("object-checklist-empty-answer", lambda d: answer(d, "att_flags").update(answers=[]))
both(
    "object-checklist-duplicate-option", lambda d: answer(d, "att_flags")["answers"].append({"featureHash": "opt_occ"})
)
both("classification-split-checklist-last-wins", _split_classification_checklist)
both(
    "object-two-radio-entries-last-wins",
    lambda d: obj_answers(d).append(
        {**copy.deepcopy(answer(d, "att_color")), "answers": [{"featureHash": "opt_blue"}]}
    ),
)
both(
    "object-two-text-entries-last-wins",
    lambda d: obj_answers(d).append({**copy.deepcopy(answer(d, "att_shade")), "answers": "second"}),
)
both(
    "classification-two-radio-entries-last-wins",
    lambda d: cls(d)["classifications"].append(
        {**copy.deepcopy(cls(d)["classifications"][0]), "answers": [{"featureHash": "opt_rain"}]}
    ),
)
both("object-radio-zero-options-ignored", lambda d: answer(d, "att_color").update(answers=[]))
both(
    "object-radio-two-options-ignored",
    lambda d: answer(d, "att_color").update(answers=[{"featureHash": "opt_red"}, {"featureHash": "opt_blue"}]),
)
both("classification-radio-zero-options-ignored", lambda d: cls(d)["classifications"][0].update(answers=[]))
both(
    "classification-radio-two-options-ignored",
    lambda d: cls(d)["classifications"][0].update(answers=[{"featureHash": "opt_sun"}, {"featureHash": "opt_rain"}]),
)
both(
    "answers-in-ontology-order-shuffled",
    lambda d: d["object_answers"]["BOX1"].update(classifications=obj_answers(d)[::-1]),
)
both(
    "nested-answer-without-parent",
    lambda d: d["object_answers"]["BOX1"].update(
        classifications=[a for a in obj_answers(d) if a["featureHash"] != "att_color"]
    ),
)
both(
    "nested-answer-with-other-parent-option",
    lambda d: answer(d, "att_color").update(answers=[{"featureHash": "opt_blue"}]),
)

# -- orphans ----------------------------------------------------------------------------------------
both(
    "orphan-object-answers-entry",
    lambda d: d["object_answers"].update(
        ZZ={"classifications": [{"featureHash": "nope", "answers": 1}], "objectHash": "ZZ"}
    ),
)
both(
    "orphan-object-actions-entry",
    lambda d: d["object_actions"].update(
        ZZ={"actions": [{"featureHash": "nope", "answers": 1, "range": [[0, 0]]}], "objectHash": "ZZ"}
    ),
)
both("object-answers-entry-missing-for-object", lambda d: d["object_answers"].pop("POLY"))
both(
    "object-answers-key-differs-from-objectHash",
    lambda d: d["object_answers"].update(OTHER_KEY=d["object_answers"].pop("BOX2")),
)
both("object-answers-reordered", lambda d: d.update(object_answers=dict(reversed(list(d["object_answers"].items())))))

# -- classification answers -------------------------------------------------------------------------
both("classification-missing-featureHash-dropped", lambda d: cls(d).pop("featureHash"))
both("classification-empty-featureHash-dropped", lambda d: cls(d).update(featureHash=""))
both("classification-missing-range-dropped", lambda d: cls(d).pop("range"))
both("classification-empty-range-dropped", lambda d: cls(d).update(range=[]))
both("classification-null-range-dropped", lambda d: cls(d).update(range=None))
both("global-classification-missing-range-kept", lambda d: cls(d, "C_CAP").pop("range"))
both("global-classification-other-range", lambda d: cls(d, "C_CAP").update(range=[[1, 2], [0, 0]]))
add(
    Case(
        "video-classification-unsorted-adjacent-ranges",
        lambda d: cls(d).update(range=[[6, 6], [0, 1], [1, 2], [3, 3], [4, 4]]),
    )
)
add(
    Case(
        "img_group-classification-unsorted-adjacent-ranges",
        lambda d: cls(d).update(range=[[1, 1], [0, 0], [0, 1]]),
        "img_group",
    )
)
add(Case("video-classification-range-beyond-frames", lambda d: cls(d, "C_TAGS").update(range=[[20, 25], [3, 3]])))
both(
    "classification-key-differs-from-hash",
    lambda d: d["classification_answers"].update(K=d["classification_answers"].pop("C_TAGS")),
)
both(
    "classification-reordered",
    lambda d: d.update(classification_answers=dict(reversed(list(d["classification_answers"].items())))),
)
both("classification-spaces-root", each_cls(upd(spaces={"root": {"range": [[0, 0]]}})))
both("classification-missing-spaces", each_cls(pop("spaces")))

# -- frames and data units --------------------------------------------------------------------------


def _rekey_frames(fn: Callable[[str], str]) -> Callable[[dict], None]:
    def f(d: dict) -> None:
        u = units(d)[0]
        u["labels"] = {fn(k): v for k, v in u["labels"].items()}

    return f


add(
    Case("video-frame-keys-zero-padded", _rekey_frames(lambda k: k.zfill(3))),
    Case(
        "video-frame-keys-reversed-order",
        lambda d: units(d)[0].update(labels=dict(reversed(list(units(d)[0]["labels"].items())))),
    ),
    Case(
        "video-empty-frames-dropped",
        lambda d: units(d)[0]["labels"].update({"8": {"objects": [], "classifications": []}}),
    ),
    Case("video-frame-metadata-dicom-slice-dropped", lambda d: units(d)[0]["labels"]["0"].update(metadata=SLICE)),
    Case(
        "video-frame-metadata-missing-fields",
        lambda d: units(d)[0]["labels"]["0"].update(metadata={"width": 8, "height": 6}),
    ),
    Case(
        "video-frame-metadata-not-a-dict",
        lambda d: units(d)[0]["labels"]["0"].update(metadata="x"),
    ),
    Case("video-objects-reordered-in-frame", lambda d: [b["objects"].reverse() for b in blobs(d)]),
    Case("video-data_sequence-string", lambda d: units(d)[0].update(data_sequence="0")),
    Case("video-dict-fps-duration-ignored", lambda d: units(d)[0].update(data_fps=25.0, data_duration=153.16)),
    Case("video-dict-is_shadow_data-ignored", upd(is_shadow_data=True)),
    Case(
        "img_group-units-reversed",
        lambda d: d.update(data_units=dict(reversed(list(d["data_units"].items())))),
        "img_group",
    ),
    Case(
        "img_group-data_sequence-int",
        lambda d: [u.update(data_sequence=int(u["data_sequence"])) for u in units(d)],
        "img_group",
    ),
    Case("img_group-data_sequence-mixed", lambda d: units(d)[1].update(data_sequence=1), "img_group"),
    Case(
        "img_group-units-reversed-int-sequence",
        lambda d: (
            d.update(data_units=dict(reversed(list(d["data_units"].items())))),
            [u.update(data_sequence=int(u["data_sequence"])) for u in units(d)],
        ),
        "img_group",
    ),
    Case("img_group-objects-reordered", lambda d: [b["objects"].reverse() for b in blobs(d)], "img_group"),
    Case(
        "img_group-unit-titles-links",
        lambda d: [u.update(data_title=f"t{i}.png", data_link=f"s3://b/{i}") for i, u in enumerate(units(d))],
        "img_group",
    ),
    Case(
        "img_group-frame-keyed-labels-ignored",
        lambda d: units(d)[0].update(labels={"0": units(d)[0]["labels"]}),
        "img_group",
    ),
)

# -- top level --------------------------------------------------------------------------------------
for status in ("NOT_LABELLED", "LABELLED", "REVIEW_IN_PROGRESS", "REVIEWED", "REVIEWED_TWICE", "WEIRD", "labelled"):
    add(Case(f"video-label_status-{status}", upd(label_status=status)))
add(Case("img_group-label_status-unknown", upd(label_status="SOMETHING_NEW"), "img_group"))
both("annotation_task_status-arbitrary", upd(annotation_task_status="IN_REVIEW"))
both(
    "identity-fields-changed",
    upd(label_hash="L-1", branch_name="b", data_hash="D-1", dataset_hash="S-1", dataset_title="DS", data_title="T"),
)

# -- objectNumber, reviews, isDeleted ---------------------------------------------------------------
both("objectNumber-absent", lambda d: [e.pop("objectNumber", None) for e in d["object_answers"].values()])
both(
    "objectNumber-on-every-object",
    lambda d: [e.update(objectNumber=i) for i, e in enumerate(d["object_answers"].values())],
)
both("objectNumber-duplicates", lambda d: [e.update(objectNumber=1) for e in d["object_answers"].values()])
both("objectNumber-null", lambda d: [e.update(objectNumber=None) for e in d["object_answers"].values()])
both("objectNumber-frame-level-ignored", each_obj(None, upd(objectNumber=99)))
both("objectNumber-renumber-objects", lambda d: None, export_kw={"renumber_objects": True})
both(
    "objectNumber-renumber-objects-on-every-object",
    lambda d: [e.update(objectNumber=i + 3) for i, e in enumerate(d["object_answers"].values())],
    export_kw={"renumber_objects": True},
)
both("objectNumber-renumber-false-explicit", lambda d: None, export_kw={"renumber_objects": False})
both("reviews-on-frame-objects", each_obj(None, upd(reviews=[{"status": "approved", "reviewer": "r@x.io"}])))
both("reviews-null", each_obj(None, upd(reviews=None)))
both("isDeleted-false", each_obj(None, upd(isDeleted=False)))
both("isDeleted-true", each_obj("point", upd(isDeleted=True)))
both("isDeleted-null", each_obj(None, upd(isDeleted=None)))
both("labelrow-stricter-isDeleted-string", each_obj(None, upd(isDeleted="no")), expect="labelrow_stricter")
both("interpolate-hold", each_obj("bounding_box", upd(interpolate="hold")))
both("interpolate-null", each_obj("bounding_box", upd(interpolate=None)))

# -- dynamic answers --------------------------------------------------------------------------------


def _dynamic_in_object_answers(d: dict) -> None:
    acts = d["object_actions"].pop("BOX1")["actions"]
    obj_answers(d).extend(acts)


def _dynamic_split_between(d: dict) -> None:
    acts = actions(d)
    obj_answers(d).append(acts.pop(0))


def _overlapping_dynamic_checklist(d: dict) -> None:
    da = next(a for a in actions(d) if a["featureHash"] == "att_dflags")
    video = d["data_type"] == "video"
    acts = actions(d)
    acts.append({**copy.deepcopy(da), "answers": [{"featureHash": "opt_db"}], "range": [[1, 3]] if video else [[2, 2]]})
    acts.append({**copy.deepcopy(da), "answers": [{"featureHash": "opt_da"}], "range": [[3, 3]] if video else [[0, 0]]})


def _overlapping_dynamic_radio(d: dict) -> None:
    yes = next(a for a in actions(d) if a["featureHash"] == "att_moving")
    video = d["data_type"] == "video"
    actions(d).append(
        {**copy.deepcopy(yes), "answers": [{"featureHash": "opt_yes"}], "range": [[1, 2]] if video else [[2, 2]]}
    )


add(
    Case("video-dynamic-answers-in-object_answers-classifications", _dynamic_in_object_answers),
    Case(
        "img_group-dynamic-answers-in-object_answers-classifications",
        _dynamic_in_object_answers,
        "img_group",
    ),
)
both("dynamic-answers-split-between-places", _dynamic_split_between)
both("dynamic-checklist-overlapping-entries-union", _overlapping_dynamic_checklist)
both("dynamic-radio-overlapping-entries-later-wins", _overlapping_dynamic_radio)
both("dynamic-actions-reversed", lambda d: actions(d).reverse())
both(
    "dynamic-unsorted-overlapping-ranges",
    lambda d: next(a for a in actions(d) if a["featureHash"] == "att_dflags").update(range=[[2, 2], [0, 1], [1, 1]]),
)
both("dynamic-text-int-vs-str", lambda d: [a.update(answers="2") for a in actions(d) if a["featureHash"] == "att_note"])
add(
    Case(
        "video-dynamic-answer-on-frame-without-coordinates",
        lambda d: next(a for a in actions(d) if a["featureHash"] == "att_note").update(range=[[1, 1], [7, 8]]),
    )
)
both("object-actions-empty-actions", lambda d: d["object_actions"]["BOX1"].update(actions=[]))
both("object-actions-missing", lambda d: d.update(object_actions={}))

# -- preserve_identity --------------------------------------------------------------------------------
OTHER_IDENTITY = {
    "label_hash": "11111111-1111-1111-1111-111111111111",
    "branch_name": "other",
    "data_hash": "22222222-2222-2222-2222-222222222222",
    "dataset_hash": "33333333-3333-3333-3333-333333333333",
    "dataset_title": "Other DS",
    "data_title": "other.mp4",
}


def _reidentify(d: dict, prefix: str = "aa") -> None:
    d.update({k: v for k, v in OTHER_IDENTITY.items()})
    new_units = {}
    for i, u in enumerate(units(d)):
        h = d["data_hash"] if d["data_type"] != "img_group" else f"{prefix}{i:06d}-0000-0000-0000-000000000000"
        u["data_hash"] = h
        u["data_title"] = f"{prefix}-{i}"
        new_units[h] = u
    d["data_units"] = new_units


def _row_with_other_identity(kind: str, images: list | None = None) -> Callable[[Any], Any]:
    """A row whose identity (hashes, branch, image hashes) was loaded from a dict: differs from the zero UUIDs."""

    def build(lib):
        row = new_row(lib, kind, images=images)
        d = row.to_encord_dict()
        d.update(created_at=ROW_CREATED, last_edited_at=ROW_EDITED)
        _reidentify(d, "bb")
        d.update(label_hash="row-label", branch_name="row-branch", dataset_hash="row-dataset")
        if kind != "img_group":
            u = d["data_units"].pop(d["data_hash"])
            d["data_hash"] = u["data_hash"] = "row-data"
            d["data_units"]["row-data"] = u
        row.from_labels_dict(d)
        return row

    return build


for kind in ("video", "img_group"):
    add(
        Case(f"{kind}-preserve-identity-fresh-row", _reidentify, kind, load_kw={"preserve_identity": True}),
        Case(f"{kind}-preserve-identity-false-explicit", _reidentify, kind, load_kw={"preserve_identity": False}),
        Case(
            f"{kind}-preserve-identity-row-loaded-with-other-identity",
            _reidentify,
            kind,
            load_kw={"preserve_identity": True},
            target=_row_with_other_identity(kind),
        ),
        Case(
            f"{kind}-no-preserve-identity-row-loaded-with-other-identity",
            _reidentify,
            kind,
            target=_row_with_other_identity(kind),
        ),
    )
add(
    Case(
        "img_group-preserve-identity-units-reversed",
        lambda d: (_reidentify(d), d.update(data_units=dict(reversed(list(d["data_units"].items()))))),
        "img_group",
        load_kw={"preserve_identity": True},
        target=_row_with_other_identity("img_group"),
    ),
    Case(
        "img_group-preserve-identity-units-reversed-fresh-row",
        lambda d: d.update(data_units=dict(reversed(list(d["data_units"].items())))),
        "img_group",
        load_kw={"preserve_identity": True},
    ),
    Case(
        "img_group-preserve-identity-fewer-images-in-row-labelrow-row-unchanged",
        _reidentify,
        "img_group",
        load_kw={"preserve_identity": True},
        target=_row_with_other_identity("img_group", images=IMAGES[:2]),
        expect="raises",
    ),
    Case(
        "img_group-preserve-identity-more-images-in-row-labelrow-row-unchanged",
        _reidentify,
        "img_group",
        load_kw={"preserve_identity": True},
        target=_row_with_other_identity("img_group", images=[*IMAGES, (4, 4, "image/png")]),
        expect="raises",
    ),
    Case(
        "img_group-preserve-identity-fewer-images-in-dict-labelrow-row-unchanged",
        lambda d: (
            _reidentify(d),
            d["data_units"].pop(list(d["data_units"])[-1]),
            [b["objects"].clear() for b in blobs(d)],
        ),
        "img_group",
        load_kw={"preserve_identity": True},
        expect="raises",
    ),
    Case(
        "video-preserve-identity-renumber-objects",
        _reidentify,
        "video",
        load_kw={"preserve_identity": True},
        export_kw={"renumber_objects": True},
    ),
)

# ---------------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    exc: BaseException | None = None
    stage: str | None = None  # "load" | "export"
    export: Any = None
    before: Any = None
    after: Any = None


def _export(row, **kw: Any) -> Any:
    try:
        return json.loads(json.dumps(row.to_encord_dict(**kw)))
    except Exception as e:
        return f"export raised {type(e).__name__}"


def run_case(lib, case: Case) -> Outcome:
    row = case.target(lib) if case.target else new_row(lib, case.kind)
    before = _export(row)
    d = base_dict(case.kind)
    case.mutate(d)
    try:
        row.from_labels_dict(d, **case.load_kw)
    except Exception as e:
        return Outcome(e, "load", before=before, after=_export(row))
    try:
        out = row.to_encord_dict(**case.export_kw)
    except Exception as e:
        return Outcome(e, "export", before=before)
    return Outcome(export=mask_now(json.loads(json.dumps(out))), before=before)


def _label(o: Outcome) -> str:
    if o.exc is None:
        return "no exception"
    return f"{type(o.exc).__module__}.{type(o.exc).__name__} at {o.stage}: {str(o.exc)[:300]}"


def _params() -> list:
    ids = [c.id for c in CASES]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate case ids: {dup}"
    return [pytest.param(c, id=c.id, marks=c.marks) for c in CASES]


@pytest.mark.parametrize("case", _params())
def test_input_form(case: Case, ref_lib, our_lib) -> None:
    if case.expect == "labelrow_stricter" and selftest():
        pytest.skip("self-test: the reference cannot be stricter than itself")
    ref = run_case(ref_lib, case)
    ours = run_case(our_lib, case)
    if case.expect == "labelrow_stricter":
        # docs/compatibility.md "Stricter validation": the reference stores the value, labelrow raises
        assert ref.exc is None, f"the reference raises for {case.id}: {_label(ref)}"
        exc_mod = importlib.import_module(f"{our_lib.package}.exceptions")
        assert isinstance(ours.exc, exc_mod.LabelRowError), f"expected LabelRowError, got {_label(ours)}"
        assert ours.stage == "load", _label(ours)
        assert json.dumps(ours.after) == json.dumps(ours.before), "the failed load changed labelrow's row"
        return
    if case.expect == "raises":
        assert ref.exc is not None, f"the reference accepts {case.id}"
    if ref.exc is not None:
        assert ours.exc is not None, f"labelrow raised nothing; the reference raised {_label(ref)}"
        assert exception_matches(ref.exc, ours.exc, our_lib), f"reference: {_label(ref)}; labelrow: {_label(ours)}"
        assert program.error_categories(ref_lib, ref.exc)[0] in program.error_categories(our_lib, ours.exc)
        if ref.stage == "load" and not selftest():
            assert ours.stage == "load", f"labelrow raised later: {_label(ours)}"
            # docs/compatibility.md "Fixed reference bugs" 1: a failed from_labels_dict leaves the row unchanged
            assert json.dumps(ours.after) == json.dumps(ours.before), unified(
                ours.before, ours.after, "before", "after"
            )
        return
    assert ours.exc is None, f"the reference accepts this form; labelrow raised {_label(ours)}"
    dumped = json.dumps(ref.export)
    if case.has_now:
        assert NOW in dumped, "expected a parse-time 'now' timestamp in the reference's output"
    assert json.dumps(ours.export) == dumped, unified(ref.export, ours.export, "reference", "labelrow")


@pytest.mark.parametrize("kind", ["video", "img_group"])
def test_base_rows_agree(kind: str, ref_lib, our_lib) -> None:
    """The base rows built through the API are identical in both libraries."""
    a = build_base_row(ref_lib, kind).to_encord_dict()
    b = build_base_row(our_lib, kind).to_encord_dict()
    # The rows' own stamps are "now" when each was made: those may fall in different seconds.
    for d in (a, b):
        d["created_at"] = d["last_edited_at"] = "now"
    assert json.dumps(a) == json.dumps(b), unified(a, b, "reference", "labelrow")


@pytest.mark.parametrize("kind", ["video", "img_group"])
def test_labelrow_export_loads_as_reference_export(kind: str, ref_lib, our_lib) -> None:
    """labelrow's own export of the base row, loaded into both libraries, gives the same dict."""
    d = json.loads(json.dumps(build_base_row(our_lib, kind).to_encord_dict()))
    outs = []
    for lib in (ref_lib, our_lib):
        row = new_row(lib, kind)
        row.from_labels_dict(copy.deepcopy(d))
        outs.append(row.to_encord_dict())
    assert json.dumps(outs[0]) == json.dumps(outs[1]), unified(outs[0], outs[1], "reference", "labelrow")
