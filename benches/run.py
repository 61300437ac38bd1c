#!/usr/bin/env python
"""Side-by-side benchmarks of labelrow and the reference SDK (``encord==0.1.211``) on the same inputs.

    python benches/run.py [--quick] [--profiles NAME ...] [--repeat N] [--out bench-results/results.json]

Rows are generated at run time (``benches/generate.py``, seeded). For every profile and operation both
libraries are timed in the same process on identical inputs, each repetition on a fresh row (a new
``from_media_metadata`` row loaded from a freshly parsed dict; see ``ROW POLICY`` below), and the median of
the repetitions is reported together with the ratio reference / labelrow (> 1: labelrow is faster).
``--ref-repeat`` runs the reference fewer times than labelrow (its runs take most of the suite's time). The
``orjson`` floors are timed in each repetition right after labelrow's operations.

Operations that labelrow does not provide yet (detected with ``hasattr``) are reported as ``n/a``. Where one
run of the reference is estimated (from its per-annotation rate on a smaller profile) or observed to take
over ``--ref-limit`` seconds (60), the reference is skipped or run once, and the table says so.

ROW POLICY. labelrow creates Python instances lazily and caches them, so each of its read operations gets
its own freshly loaded row. The reference builds every Python object while loading and keeps no query
caches, so its read operations in one repetition share the row that repetition's ``from_labels_dict``
loaded (loading a 500k-annotation row in the reference takes tens of seconds).

MEMORY is measured in a child process per library, profile and load path: the child imports the library,
reads the JSON bytes from a file, notes its RSS and resets the kernel's peak mark (``/proc/self/clear_refs``;
where that is not possible ``ru_maxrss`` is used), loads the row (``orjson.loads`` + ``from_labels_dict``, or
labelrow's ``from_json``), and reports the peak RSS growth during the load (``VmHWM`` minus the RSS before)
and the RSS still held once the parsed dict is dropped (after ``gc.collect()`` and ``malloc_trim``). RSS
counts Rust and Python allocations alike (tracemalloc would miss the Rust side).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import importlib
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate as G  # noqa: E402

LIBS = ("labelrow", "encord")
BITMASK_PROFILE = "bitmask_1920x1080"
ALL_PROFILES = [*G.PROFILES, BITMASK_PROFILE]
QUICK_SCALE = 0.1
BITMASK_SIZE = (1920, 1080)
BITMASK_COUNT = 100

# ---------------------------------------------------------------------------------------------------------------
# libraries
# ---------------------------------------------------------------------------------------------------------------

_COORDS = [
    "BoundingBoxCoordinates",
    "RotatableBoundingBoxCoordinates",
    "PointCoordinate",
    "PolygonCoordinates",
    "PolylineCoordinates",
    "CircleCoordinates",
    "EllipseCoordinates",
    "CuboidCoordinates",
    "Cuboid2DPerspectiveCoordinates",
    "SkeletonCoordinate",
    "SkeletonCoordinates",
    "BitmaskCoordinates",
]


class Lib:
    """The classes of one library (``labelrow`` or ``encord``) under the reference's import paths."""

    def __init__(self, name: str) -> None:
        self.name = name
        objects = importlib.import_module(f"{name}.objects")
        coords = importlib.import_module(f"{name}.objects.coordinates")
        self.LabelRowV2 = objects.LabelRowV2
        self.ObjectInstance = objects.ObjectInstance
        self.ClassificationInstance = importlib.import_module(
            f"{name}.objects.classification_instance"
        ).ClassificationInstance
        self.OntologyStructure = importlib.import_module(f"{name}.objects.ontology_structure").OntologyStructure
        self.Range = importlib.import_module(f"{name}.objects.frames").Range
        storage = importlib.import_module(f"{name}.orm.storage")
        self.VideoMeta = storage.CustomerProvidedVideoMetadata
        self.ImageMeta = storage.CustomerProvidedImageMetadata
        for n in _COORDS:
            setattr(self, n, getattr(coords, n))
        self._structures: dict[str, Any] = {}
        self.version = _version(name)

    def structure(self, ontology: dict) -> Any:
        key = json.dumps(ontology, sort_keys=True)
        s = self._structures.get(key)
        if s is None:
            s = self._structures[key] = self.OntologyStructure.from_dict(json.loads(key))
        return s

    def media(self, media: dict) -> Any:
        if media["kind"] == "video":
            return self.VideoMeta(**media["kwargs"])
        return [self.ImageMeta(**k) for k in media["images"]]

    def new_row(self, ontology: dict, media: dict) -> Any:
        ns = types.SimpleNamespace(structure=self.structure(ontology))
        return self.LabelRowV2.from_media_metadata(ns, self.media(media))

    def load(self, gen: G.Generated, blob: bytes) -> Any:
        row = self.new_row(gen.ontology, gen.media)
        row.from_labels_dict(orjson.loads(blob))
        return row

    def nodes(self, ontology: dict) -> dict[str, Any]:
        """feature hash -> ontology node (objects, classifications, attributes, options)."""
        s = self.structure(ontology)
        out: dict[str, Any] = {}

        def walk_attr(a: Any) -> None:
            out[a.feature_node_hash] = a
            for o in getattr(a, "options", []) or []:
                out[o.feature_node_hash] = o
                for na in getattr(o, "nested_options", []) or []:
                    walk_attr(na)

        for ob in s.objects:
            out[ob.feature_node_hash] = ob
            for a in ob.attributes:
                walk_attr(a)
        for c in s.classifications:
            out[c.feature_node_hash] = c
            for a in c.attributes:
                walk_attr(a)
        return out


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def has_json(lib: Lib) -> bool:
    return hasattr(lib.LabelRowV2, "from_json") and hasattr(lib.LabelRowV2, "to_json")


#: labelrow's bulk object API: ``instance.set_for_frames_bulk(frames, coordinates, confidence=..., **metadata)``
#: with numpy arrays in the ``get_annotation_columns`` layout, for these shapes (args: ``generate._coord_args``)
BULK_METHOD = "set_for_frames_bulk"
BULK_SHAPES: dict[str, Callable[[tuple], tuple]] = {
    "bounding_box": lambda a: (a[2], a[3], a[1], a[0]),
    "rotatable_bounding_box": lambda a: (a[2], a[3], a[1], a[0], a[4]),
    "point": lambda a: (a[0], a[1]),
    "circle": lambda a: a,
    "ellipse": lambda a: a,
    "cuboid": lambda a: (*a[0], *a[1], *a[2]),
    "cuboid_2d": lambda a: (*a[0], a[1], a[2], a[3]),
}
#: shapes whose bulk form is vertices (V x 2) plus offsets (``generate._coord_args`` gives flat x, y lists)
VERTEX_SHAPES = ("polygon", "polyline")
#: skeletons' bulk form: N x K x 2 keypoints, the template, and N x K visibility codes (0: none given)
SKELETON_VISIBILITY = {None: 0, "visible": 1, "invisible": 2, "occluded": 3, "selfOccluded": 4}
#: candidate names of a numpy columns export on ``LabelRowV2`` (labelrow only)
COLUMN_METHODS = ("get_annotation_columns", "annotation_columns", "to_columns", "columns")


def bulk_method(lib: Lib) -> str | None:
    return BULK_METHOD if hasattr(lib.ObjectInstance, BULK_METHOD) else None


def columns_method(lib: Lib) -> str | None:
    return next((m for m in COLUMN_METHODS if hasattr(lib.LabelRowV2, m)), None)


# ---------------------------------------------------------------------------------------------------------------
# per-frame API build
# ---------------------------------------------------------------------------------------------------------------


def coord_maker(lib: Lib, shape: str, structure: Any) -> Callable[[tuple], Any]:
    """A function from ``generate._coord_args`` tuples to the library's coordinate object."""
    P = lib.PointCoordinate
    if shape == "bounding_box":
        return lambda a: lib.BoundingBoxCoordinates(height=a[0], width=a[1], top_left_x=a[2], top_left_y=a[3])
    if shape == "rotatable_bounding_box":
        return lambda a: lib.RotatableBoundingBoxCoordinates(
            height=a[0], width=a[1], top_left_x=a[2], top_left_y=a[3], theta=a[4]
        )
    if shape == "polygon":
        return lambda a: lib.PolygonCoordinates(polygons=[[[P(x=a[i], y=a[i + 1]) for i in range(0, len(a), 2)]]])
    if shape == "polyline":
        return lambda a: lib.PolylineCoordinates(values=[P(x=a[i], y=a[i + 1]) for i in range(0, len(a), 2)])
    if shape == "point":
        return lambda a: P(x=a[0], y=a[1])
    if shape == "bitmask":
        return lambda a: lib.BitmaskCoordinates({"rleString": a[0], "height": a[1], "width": a[2], "top": 0, "left": 0})
    if shape == "skeleton":
        tmpl = next(iter(structure.skeleton_templates.values()))
        by_name = {p.name: p for p in tmpl.skeleton.values()}

        def skel(a: tuple) -> Any:
            pts = []
            for x, y, name, vis in a:
                t = by_name[name]
                kw = {"visibility": vis} if vis is not None else {}
                pts.append(
                    lib.SkeletonCoordinate(
                        x=x, y=y, name=name, color=t.color, feature_hash=t.feature_hash, value=t.value, **kw
                    )
                )
            return lib.SkeletonCoordinates(values=pts, name=tmpl.name)

        return skel
    if shape == "circle":
        return lambda a: lib.CircleCoordinates(center_x=a[0], center_y=a[1], radius=a[2], stretch=a[3], theta=a[4])
    if shape == "ellipse":
        return lambda a: lib.EllipseCoordinates(center_x=a[0], center_y=a[1], rx=a[2], ry=a[3], theta=a[4])
    if shape == "cuboid_2d":
        return lambda a: lib.Cuboid2DPerspectiveCoordinates(
            front=[P(x=a[0][i], y=a[0][i + 1]) for i in range(0, 8, 2)],
            vanishing_point=P(x=a[1], y=a[2]),
            scale_ratio=a[3],
        )
    if shape == "cuboid":
        return lambda a: lib.CuboidCoordinates(position=a[0], orientation=a[1], size=a[2])
    raise ValueError(shape)


def _answer(nodes: dict[str, Any], ans: Any) -> Any:
    if isinstance(ans, list):
        return [nodes[h] for h in ans]
    if isinstance(ans, str) and ans in nodes:
        return nodes[ans]
    return ans


def bulk_arrays(plan: G.Plan) -> dict[str, tuple]:
    """Per object of an array-capable shape: (frames, coordinates, confidences, extra keyword arguments) with numpy
    arrays (extra: ``offsets`` of polygons and polylines, whose coordinates are their vertices; ``visibility`` of
    skeletons, whose ``skeleton_template`` the caller adds)."""
    out: dict[str, tuple] = {}
    for po in plan.objects:
        frames = np.array([fr[0] for fr in po.frames], dtype=np.int64)
        conf = np.array([fr[4] for fr in po.frames], dtype=np.float64)
        conv = BULK_SHAPES.get(po.shape)
        if conv is not None:
            out[po.object_hash] = (frames, np.array([conv(fr[1]) for fr in po.frames], dtype=np.float64), conf, {})
        elif po.shape in VERTEX_SHAPES:
            flat = [np.asarray(fr[1], dtype=np.float64).reshape(-1, 2) for fr in po.frames]
            offsets = np.concatenate([[0], np.cumsum([len(v) for v in flat])]).astype(np.int64)
            out[po.object_hash] = (frames, np.concatenate(flat), conf, {"offsets": offsets})
        elif po.shape == "skeleton":
            keypoints = np.array([[(p[0], p[1]) for p in fr[1]] for fr in po.frames], dtype=np.float64)
            vis = np.array([[SKELETON_VISIBILITY[p[3]] for p in fr[1]] for fr in po.frames], dtype=np.uint8)
            out[po.object_hash] = (frames, keypoints, conf, {"visibility": vis, "skeleton_template": None})
    return out


def skeleton_template(lib: Lib, gen: G.Generated) -> Any:
    """The skeleton template of ``gen``'s ontology in ``lib``'s classes (the bulk API's skeleton form takes it)."""
    return next(iter(lib.structure(gen.ontology).skeleton_templates.values()), None)


def prebuilt_coordinates(lib: Lib, gen: G.Generated, plan: G.Plan) -> dict[str, list[Any]]:
    """Per object, its coordinate objects frame by frame (built untimed: a caller of the per-frame API builds
    them from its own data, at the same cost in both libraries)."""
    structure = lib.structure(gen.ontology)
    makers = {s: coord_maker(lib, s, structure) for s in G.SHAPE_NAMES}
    return {po.object_hash: [makers[po.shape](fr[1]) for fr in po.frames] for po in plan.objects}


def build_via_api(
    lib: Lib,
    gen: G.Generated,
    plan: G.Plan,
    coords: dict[str, list[Any]],
    bulk: bool = False,
    arrays: dict | None = None,
    template: Any = None,
) -> Any:
    """A detached row with the content of ``plan``, built through the per-frame API from prebuilt coordinates.

    ``bulk``: every object gets the metadata of its first frame on all its frames (the bulk API takes one set
    of metadata per call; confidences stay per frame). Where ``lib`` has the bulk API, each object's frames are
    set with one bulk call: numpy arrays from ``arrays`` (:func:`bulk_arrays`) where the shape has an array form,
    otherwise the list of coordinate objects. Libraries without the bulk API build the same content frame by
    frame."""
    nodes = lib.nodes(gen.ontology)
    row = lib.new_row(gen.ontology, gen.media)
    Range = lib.Range
    bulk_name = bulk_method(lib) if bulk else None
    arrays = arrays or {}
    if bulk_name and template is None:
        template = skeleton_template(lib, gen)
    for po in plan.objects:
        inst = lib.ObjectInstance(nodes[po.feature_hash], object_hash=po.object_hash)
        cs = coords[po.object_hash]
        if bulk:
            _, _, ca, cb, _, man, la, lb = po.frames[0]
            meta = {
                "created_at": ca,
                "created_by": cb,
                "manual_annotation": man,
                "last_edited_at": la,
                "last_edited_by": lb,
            }
            if bulk_name is not None:
                arr = arrays.get(po.object_hash)
                if arr is not None:
                    frames, values, conf, extra = arr
                    if "skeleton_template" in extra:
                        extra = {**extra, "skeleton_template": template}
                    getattr(inst, bulk_name)(frames, values, confidence=conf, **extra, **meta)
                else:
                    frames = np.array([fr[0] for fr in po.frames], dtype=np.int64)
                    conf = np.array([fr[4] for fr in po.frames], dtype=np.float64)
                    getattr(inst, bulk_name)(frames, cs, confidence=conf, **meta)
            else:
                for fr, c in zip(po.frames, cs, strict=True):
                    inst.set_for_frames(c, fr[0], confidence=fr[4], **meta)
        else:
            for (f, _, ca, cb, conf, man, la, lb), c in zip(po.frames, cs, strict=True):
                inst.set_for_frames(
                    c,
                    f,
                    created_at=ca,
                    created_by=cb,
                    confidence=conf,
                    manual_annotation=man,
                    last_edited_at=la,
                    last_edited_by=lb,
                )
        for ah, ans in po.static:
            inst.set_answer(_answer(nodes, ans), attribute=nodes[ah])
        row.add_object_instance(inst)
        for ah, oh, ranges in po.dynamic:
            inst.set_answer(nodes[oh], attribute=nodes[ah], frames=[Range(s, e) for s, e in ranges])
    for pc in plan.classifications:
        ci = lib.ClassificationInstance(nodes[pc.feature_hash], classification_hash=pc.classification_hash)
        ca, cb, conf, man, la, lb = pc.meta
        frames = [Range(s, e) for s, e in pc.ranges] if pc.ranges else 0
        ci.set_for_frames(
            frames,
            created_at=ca,
            created_by=cb,
            confidence=conf,
            manual_annotation=man,
            last_edited_at=la,
            last_edited_by=lb,
        )
        ah, ans = pc.answer
        ci.set_answer(_answer(nodes, ans), attribute=nodes[ah])
        row.add_classification_instance(ci)
    return row


# ---------------------------------------------------------------------------------------------------------------
# operations
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    """One generated profile and everything derived from it that the operations share."""

    gen: G.Generated
    blob: bytes
    view_frames: list[int]
    windows: list[tuple[int, int]]
    _plan: G.Plan | None = None
    _arrays: dict | None = None
    _coords: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    _templates: dict[str, Any] = field(default_factory=dict)

    @property
    def plan(self) -> G.Plan:
        if self._plan is None:
            self._plan = G.api_plan(self.gen)
        return self._plan

    @property
    def bulk_arrays(self) -> dict:
        """Inputs of the bulk API, prepared untimed (a bulk caller already holds arrays)."""
        if self._arrays is None:
            self._arrays = bulk_arrays(self.plan)
        return self._arrays

    def template(self, lib: Lib) -> Any:
        """``lib``'s skeleton template for the bulk build, found once, untimed."""
        if lib.name not in self._templates:
            self._templates[lib.name] = skeleton_template(lib, self.gen)
        return self._templates[lib.name]

    def coordinates(self, lib: Lib) -> dict[str, list[Any]]:
        """``lib``'s coordinate objects for the per-frame build, made once, untimed."""
        c = self._coords.get(lib.name)
        if c is None:
            c = self._coords[lib.name] = prebuilt_coordinates(lib, self.gen, self.plan)
        return c

    @property
    def per_frame(self) -> float:
        return self.gen.n_annotations / max(1, self.gen.n_frames)


def make_ctx(gen: G.Generated, seed: int = 0, views: int = 1000) -> Ctx:
    rng = random.Random(seed)
    n = gen.n_frames
    view_frames = [rng.randrange(n) for _ in range(views)]
    w = max(1, min(100, n // 10)) if gen.media["kind"] == "video" else max(1, min(10, n // 10))
    windows = [(s, s + w - 1) for s in (rng.randrange(max(1, n - w + 1)) for _ in range(100))]
    return Ctx(gen, orjson.dumps(gen.labels), view_frames, windows)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of ``fn()``. Everything alive before the call is frozen out of the cyclic GC (``gc.freeze``), so
    collections triggered by the operation's own allocations do not also walk the harness's inputs."""
    gc.collect()
    gc.freeze()
    try:
        t = time.perf_counter()
        out = fn()
        return time.perf_counter() - t, out
    finally:
        gc.unfreeze()


#: an operation: (lib, ctx, get_row) -> (seconds, check value). ``get_row()`` gives a loaded row (untimed).
OpFn = Callable[[Lib, Ctx, Callable[[], Any]], tuple[float, Any]]


def op_from_labels_dict(lib: Lib, ctx: Ctx, _get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = lib.new_row(ctx.gen.ontology, ctx.gen.media)
    d = orjson.loads(ctx.blob)
    dt, _ = _timed(lambda: row.from_labels_dict(d))
    return dt, row


def op_json_to_row(lib: Lib, ctx: Ctx, _get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = lib.new_row(ctx.gen.ontology, ctx.gen.media)
    if lib.name == "encord":
        return _timed(lambda: row.from_labels_dict(orjson.loads(ctx.blob)))
    return _timed(lambda: row.from_json(ctx.blob))


def op_to_encord_dict(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()
    dt, d = _timed(row.to_encord_dict)
    return dt, len(d["object_answers"])


def op_to_encord_dict_collected(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    """``to_encord_dict()`` and then a full collection: labelrow pauses the cyclic GC while it builds the dict,
    so the collector's look at the new objects comes after the call; this charges it to the export."""
    row = get_row()

    def run() -> int:
        d = row.to_encord_dict()
        gc.collect()
        return len(d["object_answers"])

    return _timed(run)


def op_to_json(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()
    if lib.name == "encord":
        return _timed(lambda: orjson.dumps(row.to_encord_dict()))[0], None
    return _timed(row.to_json)[0], None


def op_frame_views(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()
    return _timed(lambda: sum(len(row.get_frame_view(f).get_object_instances()) for f in ctx.view_frames))


def op_frame_view_coordinates(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()

    def run() -> int:
        n = 0
        for f in ctx.view_frames:
            for o in row.get_frame_view(f).get_object_instances():
                o.get_annotation(f).coordinates  # noqa: B018
                n += 1
        return n

    return _timed(run)


def op_window_filters(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()
    Range = lib.Range
    return _timed(lambda: sum(len(row.get_object_instances(filter_frames=Range(s, e))) for s, e in ctx.windows))


def op_ontology_filter(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    row = get_row()
    objs = list(lib.structure(ctx.gen.ontology).objects)
    return _timed(lambda: [len(row.get_object_instances(filter_ontology_object=o)) for o in objs])


def op_build_api(lib: Lib, ctx: Ctx, _get_row: Callable[[], Any]) -> tuple[float, Any]:
    plan, coords = ctx.plan, ctx.coordinates(lib)
    dt, row = _timed(lambda: build_via_api(lib, ctx.gen, plan, coords))
    return dt, len(row.get_object_instances())


def op_build_bulk(lib: Lib, ctx: Ctx, _get_row: Callable[[], Any]) -> tuple[float, Any]:
    plan, arrays, coords, template = ctx.plan, ctx.bulk_arrays, ctx.coordinates(lib), ctx.template(lib)
    dt, row = _timed(lambda: build_via_api(lib, ctx.gen, plan, coords, bulk=True, arrays=arrays, template=template))
    return dt, len(row.get_object_instances())


def op_columns(lib: Lib, ctx: Ctx, get_row: Callable[[], Any]) -> tuple[float, Any]:
    """labelrow: ``get_annotation_columns()`` (all columns); reference: frames and boxes gathered in Python."""
    row = get_row()
    if lib.name == "labelrow":
        return _timed(getattr(row, columns_method(lib) or "columns"))[0], None

    def run() -> Any:
        frames, boxes = [], []
        for o in row.get_object_instances():
            for a in o.get_annotations():
                c = a.coordinates
                if isinstance(c, lib.BoundingBoxCoordinates):
                    frames.append(a.frame)
                    boxes.append((c.top_left_x, c.top_left_y, c.width, c.height))
        return np.asarray(frames, dtype=np.int64), np.asarray(boxes, dtype=np.float64)

    return _timed(run)[0], None


@dataclass(frozen=True)
class Op:
    name: str
    fn: OpFn
    #: why labelrow cannot run it (None: it can)
    missing: Callable[[Lib], str | None] = lambda lib: None
    reads_row: bool = False
    ref_note: str = ""


OPS: list[Op] = [
    Op("from_labels_dict", op_from_labels_dict),
    Op(
        "JSON bytes -> row",
        op_json_to_row,
        lambda lib: None if hasattr(lib.LabelRowV2, "from_json") else "n/a: no LabelRowV2.from_json",
        ref_note="ref: orjson.loads + from_labels_dict",
    ),
    Op("to_encord_dict", op_to_encord_dict, reads_row=True),
    Op(
        "to_encord_dict + gc.collect()",
        op_to_encord_dict_collected,
        reads_row=True,
        ref_note="the GC's look at the new dict charged to the export",
    ),
    Op(
        "row -> JSON bytes",
        op_to_json,
        lambda lib: None if hasattr(lib.LabelRowV2, "to_json") else "n/a: no LabelRowV2.to_json",
        reads_row=True,
        ref_note="ref: orjson.dumps(to_encord_dict())",
    ),
    Op(
        "frame views (random frames)",
        op_frame_views,
        reads_row=True,
        ref_note="get_frame_view(f).get_object_instances()",
    ),
    Op(
        "frame views + annotation coordinates",
        op_frame_view_coordinates,
        reads_row=True,
        ref_note="plus get_annotation(f).coordinates of each",
    ),
    Op("frame-window filters (100 windows)", op_window_filters, reads_row=True),
    Op("get_object_instances(ontology filter)", op_ontology_filter, reads_row=True),
    Op(
        "numpy columns",
        op_columns,
        lambda lib: None if columns_method(lib) else "n/a: no numpy columns API",
        reads_row=True,
        ref_note="ref: Python loop collecting frames + boxes",
    ),
    Op("build via per-frame API", op_build_api, ref_note="coordinate objects prebuilt, untimed"),
    Op(
        "build via bulk API",
        op_build_bulk,
        lambda lib: None if bulk_method(lib) else "n/a: no bulk API",
        ref_note="one bulk call per object; ref: per-frame API, same content",
    ),
]


def op_units(op: str, ctx: Ctx) -> float:
    """Work units of an operation on a profile, for extrapolating the reference's run time."""
    g = ctx.gen
    if op.startswith("frame views"):
        return len(ctx.view_frames) * ctx.per_frame
    if op.startswith("frame-window"):
        return sum(e - s + 1 for s, e in ctx.windows) * ctx.per_frame
    return float(g.n_annotations)


# ---------------------------------------------------------------------------------------------------------------
# the runner
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    samples: list[float] = field(default_factory=list)
    note: str = ""
    check: Any = None
    unit: str = "s"

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def as_json(self) -> dict:
        return {"median": self.median, "samples": self.samples, "unit": self.unit, "note": self.note}


@dataclass
class Result:
    profile: str
    operation: str
    labelrow: Cell
    reference: Cell
    note: str = ""

    @property
    def ratio(self) -> float | None:
        a, b = self.labelrow.median, self.reference.median
        if a is None or b is None or a <= 0:
            return None
        return b / a


class Runner:
    def __init__(
        self,
        libs: dict[str, Lib],
        repeat: int,
        ref_limit: float,
        log: Callable[[str], None],
        ref_repeat: int | None = None,
    ) -> None:
        self.libs = libs
        self.repeat = repeat
        #: the reference's repetitions (at most ``repeat``): its runs take most of the suite's time
        self.ref_repeat = min(repeat, ref_repeat or repeat)
        self.ref_limit = ref_limit
        self.log = log
        #: observed reference runs: (profile kind, operation) -> [(work units, seconds), ...]
        self.ref_obs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        self.results: list[Result] = []

    # -- one profile --------------------------------------------------------------------------------------------
    def run_profile(self, ctx: Ctx) -> list[Result]:
        name = ctx.gen.profile
        lr = self.libs["labelrow"]
        cells = {op.name: {"labelrow": Cell(), "encord": Cell()} for op in OPS}
        active: dict[tuple[str, str], bool] = {}
        for op in OPS:
            miss = op.missing(lr)
            if miss:
                cells[op.name]["labelrow"].note = miss
            active[(op.name, "labelrow")] = miss is None
            ref_ok = op.name != "build via bulk API" or miss is None
            if op.name == "numpy columns" and miss:
                ref_ok = False
            est = self.estimate(op.name, ctx)
            if ref_ok and est is not None and est > self.ref_limit:
                cells[op.name]["encord"].note = f"skipped: est. {est:.0f} s per run > {self.ref_limit:.0f} s"
                ref_ok = False
            active[(op.name, "encord")] = ref_ok
        load_ok = active[("from_labels_dict", "encord")]
        if not load_ok:
            for op in OPS:
                if op.reads_row and active[(op.name, "encord")]:
                    active[(op.name, "encord")] = False
                    cells[op.name]["encord"].note = "skipped: reference load skipped"
        ref_repeat = self.ref_repeat
        loads, dumps = Cell(), Cell()
        for rep in range(self.repeat):
            for libname in LIBS:
                lib = self.libs[libname]
                if libname == "encord" and rep >= ref_repeat:
                    continue
                shared: list[Any] = []

                def get_row(lib: Lib = lib, shared: list[Any] = shared) -> Any:
                    if lib.name == "encord" and shared:
                        return shared[0]
                    return lib.load(ctx.gen, ctx.blob)

                for op in OPS:
                    if not active[(op.name, libname)]:
                        continue
                    cell = cells[op.name][libname]
                    try:
                        dt, out = op.fn(lib, ctx, get_row)
                    except Exception as e:  # an operation that breaks is reported, not fatal
                        cell.note = f"error: {type(e).__name__}: {str(e)[:120]}"
                        active[(op.name, libname)] = False
                        self.log(f"  {name} {op.name} [{libname}] {cell.note}")
                        continue
                    cell.samples.append(dt)
                    if op.name == "from_labels_dict":
                        if libname == "encord":
                            shared.append(out)
                        out = None
                    if cell.check is None and out is not None:
                        cell.check = out
                    if libname == "encord":
                        key = (ctx.gen.media["kind"], _rate_key(op.name))
                        self.ref_obs.setdefault(key, []).append((op_units(op.name, ctx), dt))
                        if dt > self.ref_limit:
                            active[(op.name, libname)] = False
                            cell.note = f"1 run only ({dt:.0f} s > {self.ref_limit:.0f} s)"
                        if op.name == "from_labels_dict" and rep == 0 and dt > 15 and ref_repeat > 3:
                            ref_repeat = 3
                shared.clear()
                gc.collect()
                if libname == "labelrow":
                    # The floors in the same repetition as labelrow's operations: the host's load drifts over
                    # minutes, so floors timed apart from the operations they bound compare poorly.
                    self.floor_sample(ctx, loads, dumps)
            self.log(f"  {name}: repetition {rep + 1}/{self.repeat} done")
        out = []
        for op in OPS:
            lc, rc = cells[op.name]["labelrow"], cells[op.name]["encord"]
            note = op.ref_note if rc.samples else ""
            if rc.samples and len(rc.samples) < len(lc.samples) and not rc.note:
                rc.note = f"ref: median of {len(rc.samples)}"
            if lc.check is not None and rc.check is not None and _norm(lc.check) != _norm(rc.check):
                note = (note + "; " if note else "") + f"RESULT MISMATCH {lc.check!r:.40} vs {rc.check!r:.40}"
            out.append(Result(name, op.name, lc, rc, note))
        out += self.floors(ctx, loads, dumps)
        out += self.threads(ctx)
        self.results += out
        return out

    def estimate(self, op: str, ctx: Ctx) -> float | None:
        """The reference's run time extrapolated from smaller profiles of the same kind: a power law through the
        two largest sizes seen (exponent clamped to [1, 2.5]; the reference's image-group load is superlinear),
        or linear from a single size."""
        obs = self.ref_obs.get((ctx.gen.media["kind"], _rate_key(op)))
        if not obs:
            return None
        by_size: dict[float, float] = {}
        for u, t in obs:
            by_size[u] = min(t, by_size.get(u, t))
        sizes = sorted(by_size)
        u1, t1 = sizes[-1], by_size[sizes[-1]]
        p = 1.0
        if len(sizes) >= 2:
            u0, t0 = sizes[-2], by_size[sizes[-2]]
            if t0 > 0 and t1 > 0 and u1 > u0:
                p = min(2.5, max(1.0, math.log(t1 / t0) / math.log(u1 / u0)))
        return t1 * (op_units(op, ctx) / max(1.0, u1)) ** p

    # -- orjson floors ------------------------------------------------------------------------------------------
    @staticmethod
    def floor_sample(ctx: Ctx, loads: Cell, dumps: Cell) -> None:
        dt, d = _timed(lambda: orjson.loads(ctx.blob))
        loads.samples.append(dt)
        dumps.samples.append(_timed(lambda d=d: orjson.dumps(d))[0])
        del d

    def floors(self, ctx: Ctx, loads: Cell, dumps: Cell) -> list[Result]:
        mb = len(ctx.blob) / 1e6
        return [
            Result(ctx.gen.profile, "orjson.loads (floor)", loads, Cell(note="-"), f"{mb:.1f} MB of JSON"),
            Result(ctx.gen.profile, "orjson.dumps (floor)", dumps, Cell(note="-"), f"{mb:.1f} MB of JSON"),
        ]

    # -- threads ------------------------------------------------------------------------------------------------
    def threads(self, ctx: Ctx) -> list[Result]:
        lib = self.libs["labelrow"]
        if ctx.gen.profile != self.thread_profile:
            return []
        out = []
        for label, available, call in (
            ("8x from_json", has_json(lib), lambda r: r.from_json(ctx.blob)),
            ("8x from_labels_dict", True, None),
        ):
            cells = {1: Cell(), 2: Cell()}
            if not available:
                for c in cells.values():
                    c.note = "n/a: no LabelRowV2.from_json"
            else:
                for _ in range(self.repeat):
                    for workers in (1, 2):
                        rows = [lib.new_row(ctx.gen.ontology, ctx.gen.media) for _ in range(8)]
                        if call is None:
                            dicts = [orjson.loads(ctx.blob) for _ in range(8)]

                            def fn(i: int, rows: list = rows, dicts: list = dicts) -> None:
                                rows[i].from_labels_dict(dicts[i])
                        else:

                            def fn(i: int, rows: list = rows, call: Callable = call) -> None:
                                call(rows[i])

                        with ThreadPoolExecutor(workers) as pool:
                            dt, _ = _timed(lambda pool=pool, fn=fn: list(pool.map(fn, range(8))))
                        cells[workers].samples.append(dt)
                        del rows
            m1, m2 = cells[1].median, cells[2].median
            speed = f"speed-up {m1 / m2:.2f}x on 2 threads" if m1 and m2 else ""
            out.append(Result(ctx.gen.profile, f"{label}, 1 thread", cells[1], Cell(note="-"), "labelrow only"))
            out.append(Result(ctx.gen.profile, f"{label}, 2 threads", cells[2], Cell(note="-"), speed))
        return out

    thread_profile: str = ""

    # -- bitmask ------------------------------------------------------------------------------------------------
    def run_bitmask(self, count: int) -> list[Result]:
        w, h = BITMASK_SIZE
        masks = G.random_masks(w, h, count, seed=1, max_frac=0.4)
        enc = {n: Cell() for n in LIBS}
        dec = {n: Cell() for n in LIBS}
        encoded: dict[str, list[dict]] = {}
        for _ in range(self.repeat):
            for n in LIBS:
                B = self.libs[n].BitmaskCoordinates
                dt, dicts = _timed(lambda B=B: [B(m).to_dict() for m in masks])
                enc[n].samples.append(dt)
                encoded[n] = dicts
                dt, arrs = _timed(lambda B=B, dicts=dicts: [B.from_dict(d).to_numpy_array() for d in dicts])
                dec[n].samples.append(dt)
                ok = all(np.array_equal(a, m) for a, m in zip(arrs, masks))
                if not ok:
                    dec[n].note = "DECODE MISMATCH"
        note = "" if encoded["labelrow"] == encoded["encord"] else "RLE MISMATCH"
        size = f"{count} masks {w}x{h}"
        res = [
            Result(BITMASK_PROFILE, "bitmask encode", enc["labelrow"], enc["encord"], (note or size)),
            Result(BITMASK_PROFILE, "bitmask decode", dec["labelrow"], dec["encord"], size),
        ]
        self.results += res
        return res

    # -- memory -------------------------------------------------------------------------------------------------
    def run_memory(self, ctx: Ctx) -> list[Result]:
        name = ctx.gen.profile
        est = self.estimate("from_labels_dict", ctx)
        cells = {(lib, mode): Cell(unit="MB") for lib in LIBS for mode in ("peak", "held", "json_peak", "json_held")}
        with tempfile.TemporaryDirectory(prefix="labelrow-bench-") as tmp:
            Path(tmp, "row.json").write_bytes(ctx.blob)
            Path(tmp, "setup.json").write_text(json.dumps({"ontology": ctx.gen.ontology, "media": ctx.gen.media}))
            for lib in LIBS:
                modes = ["dict"] + (["json"] if lib == "labelrow" else [])
                for mode in modes:
                    if lib == "labelrow" and mode == "json" and not has_json(self.libs["labelrow"]):
                        cells[(lib, "json_peak")].note = cells[(lib, "json_held")].note = "n/a: no from_json"
                        continue
                    if lib == "encord" and est is not None and est > self.ref_limit:
                        cells[(lib, "peak")].note = cells[(lib, "held")].note = f"skipped: load est. {est:.0f} s"
                        continue
                    r = memory_in_child(lib, tmp, mode)
                    if "error" in r:
                        cells[(lib, "peak")].note = f"error: {r['error'][:100]}"
                        continue
                    prefix = "json_" if mode == "json" else ""
                    cells[(lib, prefix + "peak")].samples.append(r["peak_mb"])
                    cells[(lib, prefix + "held")].samples.append(r["held_mb"])
        res = [
            Result(name, "memory: peak RSS growth, dict load", cells[("labelrow", "peak")], cells[("encord", "peak")]),
            Result(name, "memory: RSS held by loaded row", cells[("labelrow", "held")], cells[("encord", "held")]),
            Result(
                name,
                "memory: peak RSS growth, JSON load",
                cells[("labelrow", "json_peak")],
                cells[("encord", "peak")],
                "ref: dict load",
            ),
            Result(
                name,
                "memory: RSS held by loaded row, JSON load",
                cells[("labelrow", "json_held")],
                cells[("encord", "held")],
                "ref: dict load (includes allocator residue of the freed dict)",
            ),
        ]
        self.results += res
        return res


def _rate_key(op: str) -> str:
    """Both load paths of the reference are ``from_labels_dict``: they share one estimate."""
    return "from_labels_dict" if op == "JSON bytes -> row" else op


def _norm(x: Any) -> Any:
    return json.dumps(x, sort_keys=True, default=str)


# ---------------------------------------------------------------------------------------------------------------
# memory child
# ---------------------------------------------------------------------------------------------------------------


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of this process; False where not supported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_bytes(reset: bool) -> int:
    if reset:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _trim() -> None:
    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def memory_child(lib_name: str, tmp: str, mode: str) -> dict:
    lib = Lib(lib_name)
    setup = json.loads(Path(tmp, "setup.json").read_text())
    row = lib.new_row(setup["ontology"], setup["media"])
    blob = Path(tmp, "row.json").read_bytes()
    _trim()
    base = _rss_bytes()
    reset = _reset_peak()
    if mode == "json":
        row.from_json(blob)
    else:
        d = orjson.loads(blob)
        row.from_labels_dict(d)
        del d
    peak = _peak_bytes(reset)
    _trim()
    held = _rss_bytes()
    assert row.number_of_frames > 0
    return {"peak_mb": max(0, peak - base) / 2**20, "held_mb": max(0, held - base) / 2**20}


def memory_in_child(lib: str, tmp: str, mode: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child", lib, tmp, mode]
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------------------------


def fmt(cell: Cell) -> str:
    m = cell.median
    if m is None:
        return cell.note.split(":")[0] if cell.note.startswith(("n/a", "skipped", "error")) else "-"
    if cell.unit == "MB":
        return f"{m:,.0f} MB" if m >= 10 else f"{m:.1f} MB"
    if m >= 1:
        return f"{m:.2f} s"
    if m >= 1e-3:
        return f"{m * 1e3:.1f} ms"
    return f"{m * 1e6:.0f} us"


def table(results: list[Result]) -> str:
    lines = [
        "| profile | operation | labelrow | reference | ref/labelrow | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "-"
        notes = [n for n in (r.labelrow.note, r.reference.note, r.note) if n and n != "-"]
        lines.append(
            f"| {r.profile} | {r.operation} | {fmt(r.labelrow)} | {fmt(r.reference)} | {ratio} | {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def profile_table(infos: list[dict]) -> str:
    lines = [
        "| profile | frames | objects | annotations | classifications | JSON MB | generated in |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for i in infos:
        lines.append(
            f"| {i['profile']} | {i['frames']:,} | {i['objects']:,} | {i['annotations']:,} | "
            f"{i['classifications']} | {i['json_mb']:.1f} | {i['generate_s']:.1f} s |"
        )
    return "\n".join(lines)


def _profile_size(name: str) -> float:
    p = G.PROFILES[name]
    if p.kind == "img_group":
        return p.images * p.per_image
    return p.frames * (50 if p.short else p.tracks)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"repeat 3 and sizes x{QUICK_SCALE}")
    ap.add_argument("--profiles", nargs="+", choices=ALL_PROFILES, default=None, metavar="NAME")
    ap.add_argument("--repeat", type=int, default=None, help="repetitions per measurement (default 5, quick 3)")
    ap.add_argument(
        "--ref-repeat",
        type=int,
        default=None,
        help="repetitions of the reference (default: --repeat; at most --repeat, and 3 where one load takes > 15 s)",
    )
    ap.add_argument("--scale", type=float, default=None, help="size multiplier (default 1, quick 0.1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--views", type=int, default=1000, help="random frames visited by the frame-view operation")
    ap.add_argument("--ref-limit", type=float, default=60.0, help="skip the reference above this many s per run")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory measurements (child processes)")
    ap.add_argument("--out", default="bench-results/results.json")
    ap.add_argument("--memory-child", nargs=3, metavar=("LIB", "DIR", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.memory_child:
        print(json.dumps(memory_child(*args.memory_child)))
        return 0

    repeat = args.repeat or (3 if args.quick else 5)
    scale = args.scale if args.scale is not None else (QUICK_SCALE if args.quick else 1.0)
    names = args.profiles or ALL_PROFILES
    row_profiles = sorted((n for n in names if n in G.PROFILES), key=_profile_size)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    libs = {n: Lib(n) for n in LIBS}
    runner = Runner(libs, repeat, args.ref_limit, log, args.ref_repeat)
    video = [n for n in row_profiles if G.PROFILES[n].kind == "video"]
    runner.thread_profile = "video_5k_x20" if "video_5k_x20" in video else (video or row_profiles or [""])[0]
    infos = []
    started = time.perf_counter()
    for name in row_profiles:
        t = time.perf_counter()
        gen = G.generate(name, scale, args.seed)
        ctx = make_ctx(gen, args.seed, args.views)
        gen_s = time.perf_counter() - t
        info = {
            "profile": name,
            "frames": gen.n_frames,
            "objects": gen.n_objects,
            "annotations": gen.n_annotations,
            "classifications": gen.n_classifications,
            "json_mb": len(ctx.blob) / 1e6,
            "generate_s": gen_s,
        }
        infos.append(info)
        log(f"{G.describe(gen)}, {info['json_mb']:.1f} MB JSON (generated in {gen_s:.1f} s)")
        runner.run_profile(ctx)
        if not args.no_memory:
            runner.run_memory(ctx)
        del ctx, gen
        gc.collect()
    if BITMASK_PROFILE in names:
        log(f"{BITMASK_PROFILE}: encode/decode")
        runner.run_bitmask(max(5, round(BITMASK_COUNT * scale)) if scale < 1 else BITMASK_COUNT)

    header = (
        f"labelrow {libs['labelrow'].version} vs encord {libs['encord'].version}; Python {platform.python_version()}"
        f" on {platform.machine()} ({os.cpu_count()} CPUs); median of {repeat} (reference: of"
        f" {runner.ref_repeat}; fresh row per repetition), scale "
        f"{scale:g}, seed {args.seed}; ratio = reference / labelrow (> 1: labelrow faster)"
    )
    print(header + "\n")
    print(profile_table(infos) + "\n")
    print(table(runner.results))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": {
            "labelrow": libs["labelrow"].version,
            "labelrow_core": getattr(importlib.import_module("labelrow._core"), "__file__", "?"),
            "encord": libs["encord"].version,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "date": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "repeat": repeat,
            "ref_repeat": runner.ref_repeat,
            "scale": scale,
            "seed": args.seed,
            "ref_limit_s": args.ref_limit,
            "wall_s": time.perf_counter() - started,
        },
        "profiles": infos,
        "results": [
            {
                "profile": r.profile,
                "operation": r.operation,
                "labelrow": r.labelrow.as_json(),
                "reference": r.reference.as_json(),
                "ratio": r.ratio,
                "note": r.note,
            }
            for r in runner.results
        ],
        "table": table(runner.results),
    }
    out.write_text(json.dumps(payload, indent=1) + "\n")
    log(f"wrote {out} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
