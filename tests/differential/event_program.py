"""Random API programs on event-based (continuous scene) rows, run against the reference and labelrow.

A program (``gen_program(seed)``) loads a continuous scene built from the ``dg_scene_empty`` fixture's metadata
and ontology with a generated label dict (cuboid and 3-D point objects as terminated upsert/delete events,
``interpolate`` modes, untagged entries, offsets up to 10^18 ns), then runs event operations on loaded and new
objects: ``upsert_event`` (every interpolation argument, overwrite or not), ``delete_event``, ``remove_event``,
reads at arbitrary offsets (keyframe, virtual, interpolated coordinates, confidence), ``get_events``,
``get_ranges``, presence filters, and the frame-grid methods the reference refuses. Every write passes its
timestamps, so the exported dict holds no "now". ``run_program(lib, program)`` returns plain data: each
operation's outcome, each object's events and ranges, and ``to_encord_dict()``.
"""

from __future__ import annotations

import copy
import importlib
import json
import random
import types
from typing import Any

import program as base
import scene_program
from scene_program import _date_str
from spaces_program import _dt as _dt  # test_events builds timestamps with it
from spaces_program import _meta_kwargs

STEM = "dg_scene_empty"
CUBOID = "cuboidFeatureNodeHash"
POINT = "MTY2MTQx"
BOX = "MjI2NzEy"
USERS = [None, "ann@example.com", "bob@example.com"]
#: Offsets: small ones, and ones past 2^53 where a fraction computed through doubles would round twice.
OFFSETS = [0, 1, 2, 5, 7, 10, 20, 50, 100, 10**9, 10**15 + 3, 2**59 + 1, 10**18]


def _read(part: str) -> Any:
    return scene_program._read(part, STEM)


def _num(rng: random.Random) -> Any:
    return rng.choice([0, 1, -2, 0.5, 1.25, round(rng.uniform(-3, 3), 3)])


def gen_geometry(rng: random.Random, feature: str) -> dict:
    if feature == CUBOID:
        return {
            "cuboid": {
                "position": [_num(rng) for _ in range(3)],
                "orientation": [round(rng.uniform(-3.2, 3.2), 4) for _ in range(3)],
                "size": [_num(rng) for _ in range(3)],
            }
        }
    return {"point": {"0": {"x": _num(rng), "y": _num(rng), "z": _num(rng)}}}


def entry(rng: random.Random, h: str, feature: str, event: str | None, interpolate: str | None) -> dict:
    e: dict = {
        "objectHash": h,
        "featureHash": feature,
        "shape": "cuboid" if feature == CUBOID else "point",
        "name": "x",
        "value": "x",
        "color": "#000000",
        "createdAt": _date_str(rng.randint(0, 10**6)),
        "lastEditedAt": _date_str(rng.randint(0, 10**6)),
        "manualAnnotation": rng.choice([True, False]),
    }
    if rng.random() < 0.5:
        e["confidence"] = rng.choice([0.5, 1, 1.0])
    if rng.random() < 0.3:
        e["createdBy"] = rng.choice(USERS[1:])
    if event is not None:
        e["event"] = event
    if interpolate is not None:
        e["interpolate"] = interpolate
    e.update(gen_geometry(rng, feature))
    return e


def gen_labels(rng: random.Random) -> dict:
    """A continuous scene's label dict: each object a run of events ending on a delete."""
    d = _read("labels")
    d["scene"] = {"isContinuous": True, "streams": ["lidar"]}
    frames: dict[int, list] = {}
    for i in range(rng.randint(0, 3)):
        h, feature = f"e{i}", rng.choice([CUBOID, POINT])
        offsets = sorted(rng.sample(OFFSETS, rng.randint(2, 5)))
        for j, f in enumerate(offsets):
            last = j == len(offsets) - 1
            kind = "delete" if last or rng.random() < 0.2 else rng.choice(["upsert", "upsert", None])
            mode = None if kind == "delete" else rng.choice([None, "hold", "linear", "linear"])
            frames.setdefault(f, []).append(entry(rng, h, feature, kind, mode))
    unit = d["data_units"][d["data_hash"]]
    unit["labels"] = {str(f): {"objects": objs, "classifications": []} for f, objs in sorted(frames.items())}
    hashes = sorted({e["objectHash"] for objs in frames.values() for e in objs})
    d["object_answers"] = {h: {"objectHash": h, "classifications": []} for h in hashes}
    if rng.random() < 0.5:
        # A radio classification over ranges of offsets (range-only on an event-based row).
        starts = sorted(rng.sample(OFFSETS[:-1], 2))
        d["classification_answers"] = {
            "c0": {
                "classificationHash": "c0",
                "featureHash": "NzIxNTU1",
                "classifications": [
                    {
                        "name": "r",
                        "value": "r",
                        "featureHash": "MjI5MTA5",
                        "answers": [{"featureHash": "MTcwMjM5", "name": "o", "value": "o"}],
                        "manualAnnotation": True,
                    }
                ],
                "range": [[s, s + rng.choice([0, 3, 10**6])] for s in starts],
                "createdAt": _date_str(rng.randint(0, 10**6)),
                "lastEditedAt": _date_str(rng.randint(0, 10**6)),
                "confidence": 1.0,
                "manualAnnotation": True,
                "spaces": {},
            }
        }
    return d


def gen_program(seed: int) -> dict:
    rng = random.Random(seed)
    labels = gen_labels(rng)
    loaded = sorted(labels["object_answers"])
    new = [rng.choice([CUBOID, POINT, POINT, BOX]) for _ in range(rng.randint(1, 3))]
    names = loaded + [f"n{i}" for i in range(len(new))]

    def meta() -> dict:
        return {
            "created_at": rng.randint(0, 10**6),
            "last_edited_at": rng.randint(0, 10**6),
            "created_by": rng.choice(USERS),
            "confidence": rng.choice([None, 0.5, 1]),
            "manual_annotation": rng.choice([None, True, False]),
        }

    def upsert(obj: str, frame: int) -> dict:
        return {
            "op": "upsert",
            "obj": obj,
            "frame": frame,
            "coords": rng.random(),
            "interpolation": rng.choice([None, None, "hold", "linear", "linear", "linear", "linear", "cubic"]),
            "overwrite": rng.random() < 0.5,
            "meta": meta(),
        }

    def offset() -> int:
        r = rng.random()
        if r < 0.6:
            return rng.choice(OFFSETS)
        if r < 0.95:
            a = rng.choice(OFFSETS)
            return a + rng.choice([-1, 1, 3, 1000])
        return -1

    ops: list[dict] = []
    # New objects first get a few keyframes and (mostly) a closing delete, so most rows can be written out.
    for i in range(len(new)):
        for f in sorted(rng.sample(OFFSETS[:-1], rng.randint(1, 3))):
            ops.append(upsert(f"n{i}", f))
        if rng.random() < 0.85:
            ops.append({"op": "delete", "obj": f"n{i}", "frame": OFFSETS[-1]})
    for _ in range(rng.randint(4, 18)):
        obj = rng.choice(names)
        k = rng.random()
        if k < 0.3:
            ops.append(upsert(obj, offset()))
        elif k < 0.45:
            ops.append({"op": "delete", "obj": obj, "frame": offset()})
        elif k < 0.58:
            ops.append({"op": "remove", "obj": obj, "frame": offset()})
        elif k < 0.8:
            ops.append({"op": "read", "obj": obj, "frame": offset()})
        elif k < 0.84:
            ops.append({"op": "present", "range": sorted([offset(), offset()])})
        elif k < 0.87:
            ops.append({"op": "frame_view", "frame": offset()})
        elif k < 0.92:
            span = None if rng.random() < 0.5 else sorted([offset(), offset()])
            ops.append({"op": "answer", "obj": obj, "text": rng.choice(["a", "b"]), "range": span})
        else:
            ops.append({"op": rng.choice(["set_for_frames", "annotations", "annotation_frames", "remove_frames"])})
            ops[-1]["obj"] = obj
    if rng.random() < 0.7:
        # Close every object past the last offset, so the row is usually written out.
        ops.extend({"op": "delete", "obj": h, "frame": OFFSETS[-1] + 5} for h in names)
    return {"labels": labels, "new": new, "ops": ops, "seed": seed}


def build_row(lib: types.SimpleNamespace, labels: dict) -> tuple[Any, Any]:
    lrm = importlib.import_module(f"{lib.package}.orm.label_row").LabelRowMetadata
    structure = lib.OntologyStructure.from_dict(_read("ontology"))
    row = lib.LabelRowV2(lrm.from_dict(_read("metadata")), None, types.SimpleNamespace(structure=structure))
    row.from_labels_dict(copy.deepcopy(labels))
    return row, structure


def coords_data(c: Any) -> Any:
    if c is None:
        return None
    if hasattr(c, "position"):
        return ["cuboid", list(c.position), list(c.orientation), list(c.size)]
    if hasattr(c, "z"):
        return ["point3d", c.x, c.y, c.z]
    if hasattr(c, "x"):
        return ["point", c.x, c.y]
    return [type(c).__name__]


def event_data(e: Any) -> list:
    m = e.metadata
    out = [
        e.kind,
        e.frame,
        str(m.created_at),
        m.created_by,
        str(m.last_edited_at),
        m.last_edited_by,
        m.confidence,
        m.manual_annotation,
        m.event_kind,
    ]
    if e.kind == "upsert":
        out += [e.interpolation, coords_data(e.coordinates)]
    return out


def _coords(lib: types.SimpleNamespace, feature: str, r: float) -> Any:
    rng = random.Random(r)
    if feature == CUBOID:
        return lib.CuboidCoordinates(
            position=(_num(rng), _num(rng), _num(rng)),
            orientation=(round(rng.uniform(-3.2, 3.2), 4), 0.25, round(rng.uniform(-3.2, 3.2), 4)),
            size=(_num(rng), _num(rng), _num(rng)),
        )
    if feature == POINT:
        if rng.random() < 0.1:
            return lib.PointCoordinate(x=_num(rng), y=_num(rng))
        return lib.PointCoordinate3D(x=_num(rng), y=_num(rng), z=_num(rng))
    return lib.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.2)


def run_program(lib: types.SimpleNamespace, prog: dict) -> dict:
    row, structure = build_row(lib, prog["labels"])
    objects = {o.object_hash: o for o in row.get_object_instances()}
    features = {h: o.feature_hash for h, o in objects.items()}
    added = []
    for i, fh in enumerate(prog["new"]):
        o = lib.ObjectInstance(structure.get_child_by_hash(fh), object_hash=f"n{i}")
        objects[o.object_hash] = o
        features[o.object_hash] = fh
        added.append(base._try(lib, lambda o=o: row.add_object_instance(o)))
    outcomes = [base._try(lib, lambda op=op: _run_op(lib, row, objects, features, op)) for op in prog["ops"]]
    result: dict = {"added": added, "ops": outcomes, "event_based": row.is_event_based}
    result["objects"] = base._try(lib, lambda: [o.object_hash for o in row.get_object_instances()])
    result["classifications"] = base._try(
        lib,
        lambda: [
            [c.classification_hash, c.is_range_only(), [[r.start, r.end] for r in c.range_list]]
            for c in row.get_classification_instances()
        ],
    )
    result["events"] = {
        h: base._try(lib, lambda o=o: [event_data(e) for e in o.get_events()]) for h, o in objects.items()
    }
    result["ranges"] = {
        h: base._try(lib, lambda o=o: [[r.start, r.end] for r in o.get_ranges()]) for h, o in objects.items()
    }
    result["dict"] = base._try(lib, row.to_encord_dict)
    return json.loads(json.dumps(result, default=repr))


def _run_op(lib, row, objects, features, op: dict) -> Any:
    name = op["op"]
    if name == "present":
        s, e = op["range"]
        window = lib.Range(start=s, end=e)
        objs = [o.object_hash for o in row.get_object_instances(filter_frames=window)]
        return [objs, [c.classification_hash for c in row.get_classification_instances(filter_frames=window)]]
    if name == "frame_view":
        return [o.object_hash for o in row.get_frame_view(op["frame"]).get_object_instances()]
    obj = objects[op["obj"]]
    if name == "upsert":
        coords = _coords(lib, features[op["obj"]], op["coords"])
        kw = _meta_kwargs(op["meta"])
        return obj.upsert_event(coords, op["frame"], overwrite=op["overwrite"], interpolation=op["interpolation"], **kw)
    if name == "delete":
        return obj.delete_event(op["frame"])
    if name == "remove":
        return obj.remove_event(op["frame"])
    if name == "read":
        a = obj.get_annotation(op["frame"])
        return [
            a.frame,
            a.keyframe,
            a.is_virtual,
            a.is_interpolated,
            a.interpolation,
            coords_data(a.coordinates),
            a.confidence,
            a.created_by,
            str(a.created_at),
            a.manual_annotation,
        ]
    if name == "answer":
        attrs = [a for a in obj.ontology_item.attributes if a.dynamic and type(a).__name__ == "TextAttribute"]
        if not attrs:
            return "no dynamic text attribute"
        span = None if op["range"] is None else lib.Range(start=op["range"][0], end=op["range"][1])
        obj.set_answer(op["text"], attribute=attrs[0], frames=span)
        return [[a.answer, [[r.start, r.end] for r in a.ranges]] for a in obj.get_answer(attrs[0])]
    if name == "set_for_frames":
        return obj.set_for_frames(_coords(lib, features[op["obj"]], 0.5), frames=0)
    if name == "annotations":
        return len(obj.get_annotations())
    if name == "annotation_frames":
        return sorted(obj.get_annotation_frames())
    if name == "remove_frames":
        return obj.remove_from_frames(0)
    raise ValueError(name)


def check_program(prog: dict, head: str = "") -> str | None:
    ref_lib, our_lib = base.load_lib("encord"), base.load_lib("labelrow")
    ref, ours = run_program(ref_lib, prog), run_program(our_lib, prog)
    rep = base.compare_results(ref, ours)
    if rep is not None:
        return f"{head}\n{rep}"
    d = ref["dict"]
    if base.is_error(d):
        return None
    # The reference's dict loaded and exported again by both libraries.
    again = {**prog, "labels": d, "ops": [], "new": []}
    rep = base.compare_results(run_program(ref_lib, again), run_program(our_lib, again))
    if rep is not None:
        return f"{head}\nreference dict re-exported:\n{rep}"
    return None


if __name__ == "__main__":
    import sys

    seed = int(sys.argv[-1])
    prog = gen_program(seed)
    print(json.dumps(prog["ops"], indent=1))
    print(check_program(prog, f"seed {seed}") or "agree")
