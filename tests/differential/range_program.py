"""Random API-call programs on range-based rows (audio, plain text, HTML, time series), for differential tests.

Like ``program.py`` (whose helpers it uses), a program is plain data: an ontology dict, a media description
and a list of operations. ``run_range_program(lib, prog)`` runs it against one library and returns plain data
(per-op outcomes, ``to_encord_dict()``, read queries) to compare between the reference and labelrow.

Two reference behaviours that labelrow deliberately does not copy are never generated (docs/compatibility.md):
a reversed ``Range`` (the reference clears the object's ranges, then fails) and switching an object between
plain-text and HTML coordinates (a TypeError inside the reference).

Replay one seed: ``python tests/differential/range_program.py SEED``.
"""

from __future__ import annotations

import importlib
import json
import random
import types
from typing import Any

from program import BASE_DT, _try, compare_results, dumps, err, is_error, load_lib

KINDS = ["audio", "text", "html", "time_series"]
_ROW_DATE = "Tue, 02 Jan 2024 03:04:05 UTC"
_SHAPE_OF_KIND = {"audio": "audio", "text": "text", "html": "text", "time_series": "time_range"}


def _mod(lib: types.SimpleNamespace, path: str) -> Any:
    return importlib.import_module(f"{lib.package}.{path}")


# ---------------------------------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------------------------------


def gen_ontology(rng: random.Random) -> dict:
    objects = []
    shapes = ["audio", "audio", "text", "text", "time_range", "time_range", "bounding_box"]
    for uid, shape in enumerate(shapes, start=1):
        obj: dict[str, Any] = {
            "id": str(uid),
            "name": f"{shape} object {uid}",
            "color": f"#{rng.randrange(1 << 24):06X}",
            "shape": shape,
            "featureNodeHash": f"ob{uid:04d}",
            "required": False,
            "archived": False,
        }
        if rng.random() < 0.6:
            obj["attributes"] = [
                {
                    "id": f"{uid}.1",
                    "name": "kind",
                    "type": "radio",
                    "featureNodeHash": f"at{uid:03d}1",
                    "required": False,
                    "dynamic": False,
                    "options": [
                        {
                            "id": f"{uid}.1.{k}",
                            "label": f"opt {k}",
                            "value": f"opt_{k}",
                            "featureNodeHash": f"op{uid}{k}",
                        }
                        for k in (1, 2)
                    ],
                },
                {
                    "id": f"{uid}.2",
                    "name": "note",
                    "type": "text",
                    "featureNodeHash": f"at{uid:03d}2",
                    "required": False,
                    "dynamic": False,
                },
                {
                    "id": f"{uid}.3",
                    "name": "speaker",
                    "type": "text",
                    "featureNodeHash": f"at{uid:03d}3",
                    "required": False,
                    "dynamic": True,
                },
            ]
        objects.append(obj)
    classifications = [
        {
            "id": "1",
            "featureNodeHash": "cl0001",
            "attributes": [
                {
                    "id": "1.1",
                    "name": "mood",
                    "type": "radio",
                    "featureNodeHash": "ca0001",
                    "required": False,
                    "options": [
                        {"id": "1.1.1", "label": "calm", "value": "calm", "featureNodeHash": "co0001"},
                        {"id": "1.1.2", "label": "loud", "value": "loud", "featureNodeHash": "co0002"},
                    ],
                }
            ],
        },
        {
            "id": "2",
            "featureNodeHash": "cl0002",
            "attributes": [
                {"id": "2.1", "name": "text", "type": "text", "featureNodeHash": "ca0002", "required": False}
            ],
        },
    ]
    return {"objects": objects, "classifications": classifications}


def gen_media(rng: random.Random, kind: str) -> dict:
    if kind == "audio":
        rate = rng.choice([10, 100, 8])
        duration = rng.choice([1.0, 2.5, 10])
        return {
            "kind": kind,
            "duration": duration,
            "sample_rate": rate,
            "bit_depth": 16,
            "codec": "mp3",
            "num_channels": rng.choice([1, 2]),
            "mime_type": "audio/mpeg",
            "n": -(-int(duration * rate * 2) // 2),
        }
    if kind == "time_series":
        return {
            "kind": kind,
            "n": rng.choice([5, 50, 400]),
            "fps": rng.choice([None, 25.0]),
            "duration": rng.choice([None, 16]),
        }
    return {
        "kind": kind,
        "mime_type": "text/html" if kind == "html" else rng.choice(["text/plain", "application/json"]),
        "n": 1,
    }


def _ranges(rng: random.Random, bound: int) -> list[list[int]]:
    out = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        s = rng.randrange(0, max(bound, 2) + 3) if rng.random() < 0.15 else rng.randrange(0, max(bound, 1))
        out.append([s, s + rng.choice([0, 1, 3, 10])])
    return out


def _html(rng: random.Random) -> list[dict]:
    return [
        {
            "start": {"xpath": f"/html/body/p[{rng.randint(1, 4)}]", "offset": rng.randint(0, 9)},
            "end": {"xpath": f"/html/body/p[{rng.randint(4, 7)}]", "offset": rng.randint(0, 9)},
        }
        for _ in range(rng.choice([1, 1, 2]))
    ]


def _set_op(rng: random.Random, i: int, ck: str, media: dict, frames: int | None = None) -> dict:
    coords = {"kind": ck, "html": _html(rng)} if ck == "html" else {"kind": ck, "ranges": _ranges(rng, media["n"])}
    return {
        "op": "set",
        "i": i,
        "coords": coords,
        "frames": frames if frames is not None else (0 if rng.random() < 0.93 else 1),
        "overwrite": rng.random() < 0.7,
        "created_at": rng.randrange(0, 10**6),
        "last_edited_at": rng.randrange(0, 10**6),
        "created_by": rng.choice([None, "ann@example.com"]),
        "last_edited_by": rng.choice([None, "bob@x.org"]),
        "confidence": rng.choice([None, 0.5, 1]),
        "manual_annotation": rng.choice([None, False]),
    }


def gen_range_program(seed: int) -> dict:
    rng = random.Random(seed)
    kind = KINDS[seed % len(KINDS)]
    onto = gen_ontology(rng)
    media = gen_media(rng, kind)
    objs = onto["objects"]
    ops: list[dict] = []
    n_objs = 0
    coord_kind: dict[int, str] = {}
    attached_cls: list[int] = []
    for _ in range(rng.randint(4, 18)):
        r = rng.random()
        if r < 0.2 or n_objs == 0:
            o = (
                rng.choice(objs)
                if rng.random() < 0.3
                else rng.choice([x for x in objs if x["shape"] == _SHAPE_OF_KIND[kind]])
            )
            ops.append({"op": "new_object", "i": n_objs, "feature": o["featureNodeHash"], "hash": f"obj{n_objs}"})
            coord_kind[n_objs] = (
                "html"
                if kind == "html" and rng.random() < 0.9
                else rng.choice(
                    ["audio", "text", "time_range", "box"] if rng.random() < 0.15 else [_SHAPE_OF_KIND[kind]]
                )
            )
            if rng.random() < 0.85:
                ops.append(_set_op(rng, n_objs, coord_kind[n_objs], media, frames=0))
            if rng.random() < 0.75:
                ops.append({"op": "add", "i": n_objs, "force": rng.random() < 0.5})
            n_objs += 1
            continue
        i = rng.randrange(n_objs)
        if r < 0.55:
            ops.append(_set_op(rng, i, coord_kind[i], media))
        elif r < 0.72:
            ops.append({"op": "add", "i": i, "force": rng.random() < 0.5})
        elif r < 0.78:
            ops.append({"op": "remove_object", "i": i})
        elif r < 0.82:
            ops.append({"op": "remove_frames", "i": i, "frames": 0 if rng.random() < 0.8 else 2})
        elif r < 0.86:
            ranges = _ranges(rng, media["n"]) if rng.random() < 0.8 else None
            ops.append({"op": "dyn_answer", "i": i, "value": rng.choice(["al", "bo"]), "ranges": ranges})
        elif r < 0.9:
            ops.append(
                {"op": "answer", "i": i, "which": rng.choice(["kind", "note"]), "value": rng.choice([0, 1, "x y"])}
            )
        else:
            k = len(attached_cls)
            ops.append(
                {
                    "op": "classification",
                    "k": k,
                    "feature": rng.choice(["cl0001", "cl0002"]),
                    "range_only": rng.random() < 0.85,
                    "ranges": _ranges(rng, media["n"]),
                    "at": rng.randrange(0, 10**6),
                    "answer": rng.choice(["calm", "loud", "txt"]),
                }
            )
            attached_cls.append(k)
    return {"seed": seed, "ontology": onto, "media": media, "ops": ops}


# ---------------------------------------------------------------------------------------------------
# interpreter
# ---------------------------------------------------------------------------------------------------


def _dt(offset: int) -> Any:
    from datetime import timedelta

    return BASE_DT + timedelta(seconds=offset)


def _time_series_row(lib: types.SimpleNamespace, structure: Any, media: dict, spaces: dict | None = None) -> Any:
    meta = {
        "label_hash": "lh",
        "created_at": "2024-01-01T12:00:00",
        "last_edited_at": "2024-01-01T12:00:00",
        "branch_name": "main",
        "data_hash": "dh",
        "dataset_hash": "ds",
        "dataset_title": "t",
        "data_title": "ts.csv",
        "data_type": "time_series",
        "data_link": "link",
        "label_status": "NOT_LABELLED",
        "annotation_task_status": "QUEUED",
        "workflow_graph_node": None,
        "is_shadow_data": False,
        "frames_per_second": media["fps"],
        "number_of_frames": media["n"],
        "duration": media["duration"],
        "height": None,
        "width": None,
        "audio_sample_rate": None,
        "audio_codec": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
        "spaces": spaces or {},
        "group_hash": None,
        "task_uuid": None,
        "priority": None,
        "client_metadata": None,
        "images_data": None,
        "file_type": None,
        "is_valid": True,
        "backing_item_uuid": None,
        "assigned_user_email": None,
        "last_actioned_by_user_email": None,
    }
    row = lib.LabelRowV2(
        _mod(lib, "orm.label_row").LabelRowMetadata.from_dict(meta), None, types.SimpleNamespace(structure=structure)
    )
    row.from_labels_dict(empty_dict(media))
    return row


def empty_dict(media: dict) -> dict:
    """An empty label dict of a time-series row."""
    return {
        "label_hash": "lh",
        "branch_name": "main",
        "created_at": _ROW_DATE,
        "last_edited_at": _ROW_DATE,
        "data_hash": "dh",
        "dataset_hash": "ds",
        "dataset_title": "t",
        "data_title": "ts.csv",
        "data_type": "time_series",
        "annotation_task_status": "QUEUED",
        "is_shadow_data": False,
        "object_answers": {},
        "classification_answers": {},
        "object_actions": {},
        "label_status": "LABELLED",
        "data_units": {
            "dh": {
                "data_hash": "dh",
                "data_title": "ts.csv",
                "data_link": "link",
                "data_type": "text/csv",
                "data_sequence": 0,
                "labels": {},
            }
        },
    }


def new_row(lib: types.SimpleNamespace, structure: Any, media: dict) -> Any:
    holder = types.SimpleNamespace(structure=structure)
    st = _mod(lib, "orm.storage")
    if media["kind"] == "time_series":
        return _time_series_row(lib, structure, media)
    if media["kind"] == "audio":
        md = st.CustomerProvidedAudioMetadata(
            duration=media["duration"],
            file_size=1,
            mime_type=media["mime_type"],
            sample_rate=media["sample_rate"],
            bit_depth=media["bit_depth"],
            codec=media["codec"],
            num_channels=media["num_channels"],
        )
    else:
        md = st.CustomerProvidedTextMetadata(file_size=1, mime_type=media["mime_type"])
    row = lib.LabelRowV2.from_media_metadata(holder, md)
    d = row.to_encord_dict()
    d["created_at"] = d["last_edited_at"] = _ROW_DATE
    row.from_labels_dict(d)
    return row


def make_coords(lib: types.SimpleNamespace, c: dict) -> Any:
    C = _mod(lib, "objects.coordinates")
    if c["kind"] == "html":
        H = _mod(lib, "objects.html_node")
        return C.HtmlCoordinates(
            range=[H.HtmlRange(start=H.HtmlNode(**r["start"]), end=H.HtmlNode(**r["end"])) for r in c["html"]]
        )
    if c["kind"] == "box":
        return C.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.2, top_left_y=0.3)
    cls = {"audio": C.AudioCoordinates, "text": C.TextCoordinates, "time_range": C.TimeRangeCoordinates}[c["kind"]]
    return cls(range=[lib.Range(s, e) for s, e in c["ranges"]])


def _render_ranges(rs: Any) -> Any:
    if rs is None:
        return None
    return [[r.start, r.end] if hasattr(r, "start") and not hasattr(r.start, "xpath") else r.to_dict() for r in rs]


def _coords(c: Any) -> Any:
    rs = getattr(c, "range", None)
    return [type(c).__name__, _render_ranges(rs)] if rs is not None else [type(c).__name__]


def _object_report(lib: types.SimpleNamespace, obj: Any) -> dict:
    return {
        "hash": obj.object_hash,
        "attached": obj.is_assigned_to_label_row() is not None,
        "range_only": obj.is_range_only(),
        "range_list": _try(lib, lambda: _render_ranges(obj.range_list)),
        "range_html": _try(lib, lambda: _render_ranges(obj.range_html)),
        "get_ranges": _try(lib, lambda: _render_ranges(obj.get_ranges())),
        "frames": _try(lib, lambda: sorted(obj.get_annotation_frames())),
        "annotations": _try(
            lib,
            lambda: [
                [a.frame, _coords(a.coordinates), a.created_by, a.last_edited_by, a.confidence, a.manual_annotation]
                for a in obj.get_annotations()
            ],
        ),
        "annotation_1": _try(lib, lambda: obj.get_annotation(1).frame),
        "dynamic": _try(
            lib,
            lambda: [
                [a.answer, [[r.start, r.end] for r in a.ranges]]
                for a in (obj.get_answer(obj.ontology_item.attributes[2]) if obj.ontology_item.attributes else [])
            ],
        ),
    }


def run_queries(lib: types.SimpleNamespace, row: Any, objs: list) -> dict:
    return {
        "row": [
            row.number_of_frames,
            row.file_type,
            str(row.data_type),
            row.audio_codec,
            row.audio_sample_rate,
            row.audio_bit_depth,
            row.audio_num_channels,
        ],
        "objects": _try(lib, lambda: [o.object_hash for o in row.get_object_instances()]),
        "objects_frame0": _try(lib, lambda: [o.object_hash for o in row.get_object_instances(filter_frames=0)]),
        "classifications": _try(
            lib,
            lambda: [
                [c.classification_hash, c.is_range_only(), [[r.start, r.end] for r in c.range_list]]
                for c in row.get_classification_instances()
            ],
        ),
        "frame_view": _try(lib, lambda: [o.object_hash for o in row.get_frame_view(0).get_object_instances()]),
        "frame_metadata": _try(lib, lambda: type(row.get_frame_metadata(0)).__name__),
        "instances": [_object_report(lib, o) for o in objs],
    }


class _Interp:
    def __init__(self, lib: types.SimpleNamespace, prog: dict) -> None:
        self.lib = lib
        self.structure = lib.OntologyStructure.from_dict(json.loads(json.dumps(prog["ontology"])))
        self.row = new_row(lib, self.structure, prog["media"])
        self.objs: dict[int, Any] = {}

    def run(self, op: dict) -> Any:
        lib, row = self.lib, self.row
        kind = op["op"]
        if kind == "new_object":
            self.objs[op["i"]] = lib.ObjectInstance(
                self.structure.get_child_by_hash(op["feature"]), object_hash=op["hash"]
            )
            return "ok"
        if kind == "classification":
            cls = self.structure.get_child_by_hash(op["feature"])
            ci = cls.create_instance(range_only=op["range_only"])
            ci.set_for_frames(
                [lib.Range(s, e) for s, e in op["ranges"]],
                created_at=_dt(op["at"]),
                last_edited_at=_dt(op["at"]),
                overwrite=True,
            )
            attr = cls.attributes[0]
            if op["feature"] == "cl0001":
                opt = attr.options[0] if op["answer"] == "calm" else attr.options[1]
                ci.set_answer(opt, attr)
            else:
                ci.set_answer(op["answer"], attr)
            row.add_classification_instance(ci)
            return ci.classification_hash.startswith("") and "ok"
        obj = self.objs[op["i"]]
        if kind == "set":
            kw = {
                k: op[k]
                for k in ("created_by", "last_edited_by", "confidence", "manual_annotation")
                if op[k] is not None
            }
            obj.set_for_frames(
                make_coords(lib, op["coords"]),
                frames=op["frames"],
                overwrite=op["overwrite"],
                created_at=_dt(op["created_at"]),
                last_edited_at=_dt(op["last_edited_at"]),
                **kw,
            )
        elif kind == "add":
            row.add_object_instance(obj, force=op["force"])
        elif kind == "remove_object":
            row.remove_object(obj)
        elif kind == "remove_frames":
            obj.remove_from_frames(op["frames"])
        elif kind == "dyn_answer":
            attrs = obj.ontology_item.attributes
            if not attrs:
                return "no attributes"
            frames = None if op["ranges"] is None else [lib.Range(s, e) for s, e in op["ranges"]]
            obj.set_answer(op["value"], attrs[2], frames=frames, overwrite=True)
        elif kind == "answer":
            attrs = obj.ontology_item.attributes
            if not attrs:
                return "no attributes"
            attr = attrs[0] if op["which"] == "kind" else attrs[1]
            if op["which"] == "kind":
                obj.set_answer(attr.options[op["value"] if isinstance(op["value"], int) else 0], attr)
            else:
                obj.set_answer(str(op["value"]), attr)
        return "ok"


def run_range_program(lib: types.SimpleNamespace, prog: dict) -> dict:
    it = _Interp(lib, prog)
    outcomes = []
    for op in prog["ops"]:
        try:
            outcomes.append(it.run(op))
        except Exception as e:
            outcomes.append(err(lib, e))
    # Classification hashes are random: they are compared by position.
    d = _try(lib, it.row.to_encord_dict)
    subs = {}
    if not is_error(d):
        subs = {h: f"cls{i}" for i, h in enumerate(d["classification_answers"])}
    result = {"ops": outcomes, "dict": d, "queries": run_queries(lib, it.row, [it.objs[i] for i in sorted(it.objs)])}
    s = json.dumps(result)
    for h, p in subs.items():
        s = s.replace(json.dumps(h), json.dumps(p))
    return json.loads(s)


def parse_and_export(lib: types.SimpleNamespace, prog: dict, label_dict: dict) -> dict:
    """Load ``label_dict`` into a fresh row of ``lib`` (same ontology and media) and export it again."""
    structure = lib.OntologyStructure.from_dict(json.loads(json.dumps(prog["ontology"])))
    row = new_row(lib, structure, prog["media"])
    loaded = _try(lib, lambda: row.from_labels_dict(json.loads(json.dumps(label_dict))))
    if is_error(loaded):
        return {"load": loaded}
    objs = row.get_object_instances()
    return {"load": "ok", "dict": _try(lib, row.to_encord_dict), "queries": run_queries(lib, row, objs)}


def check_range_program(prog: dict, head: str = "") -> str | None:
    """None when both libraries agree on ``prog``: its results, and loading each one's dict into the other."""
    ref, ours = load_lib("encord"), load_lib("labelrow")
    r, o = run_range_program(ref, prog), run_range_program(ours, prog)
    rep = compare_results(r, o)
    if rep is not None:
        return f"{head}\n(a) API program results differ\n{rep}"
    if is_error(r["dict"]):
        return None
    rep = compare_results(parse_and_export(ref, prog, r["dict"]), parse_and_export(ours, prog, r["dict"]))
    if rep is not None:
        return f"{head}\n(b) the reference's dict loaded into labelrow differs from the reference's round trip\n{rep}"
    rep = compare_results(parse_and_export(ref, prog, r["dict"]), parse_and_export(ref, prog, o["dict"]))
    if rep is not None:
        return f"{head}\n(c) labelrow's dict loaded into the reference differs\n{rep}"
    via_dict = parse_and_export(ours, prog, r["dict"])
    if not is_error(via_dict["load"]):
        via_json = _labelrow_json(prog, r["dict"])
        if dumps(json.loads(via_json)) != dumps(via_dict["dict"]):
            return f"{head}\n(d) from_json/to_json differs from from_labels_dict/to_encord_dict"
    return None


def _labelrow_json(prog: dict, label_dict: dict) -> bytes:
    lib = load_lib("labelrow")
    structure = lib.OntologyStructure.from_dict(json.loads(json.dumps(prog["ontology"])))
    row = new_row(lib, structure, prog["media"])
    row.from_json(json.dumps(label_dict).encode())
    return row.to_json()


if __name__ == "__main__":  # pragma: no cover - debugging aid
    import sys

    seed = int(sys.argv[1])
    print(check_range_program(gen_range_program(seed), f"seed {seed}") or f"seed {seed}: libraries agree")
