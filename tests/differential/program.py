"""Random API-call programs for differential testing of labelrow against the reference SDK.

A *program* is plain JSON-serialisable data (``gen_program(seed)``): an ontology in ontology-dict form,
a media description, a list of operations and a query plan.  ``run_program(lib, program)`` interprets it
against one library namespace (``load_lib("encord")`` or ``load_lib("labelrow")``) and returns a plain
data result that can be compared between the two libraries with :func:`compare_results`.

Everything that ends up in the output is derived from explicit inputs: timestamps are always passed
(the row's own ``created_at`` is pinned by one ``from_labels_dict`` right after creation) and the random
hashes of ``copy()`` results are replaced by stable placeholders.

Run ``python tests/differential/program.py SEED`` to print a program and the reference's result.
"""

from __future__ import annotations

import difflib
import importlib
import json
import math
import os
import random
import re
import types
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import program_medical

# ---------------------------------------------------------------------------------------------------
# library namespaces
# ---------------------------------------------------------------------------------------------------

#: (module path below the top-level package, names) imported into a library namespace.
LIB_IMPORTS: list[tuple[str, list[str]]] = [
    ("objects", ["LabelRowV2", "ObjectInstance", "ClassificationInstance"]),
    ("objects.ontology_structure", ["OntologyStructure"]),
    ("objects.common", ["Shape"]),
    ("objects.attributes", ["RadioAttribute", "ChecklistAttribute", "TextAttribute", "NumericAttribute"]),
    ("objects.classification", ["OntologyClassificationLevel"]),
    ("objects.skeleton_template", ["SkeletonTemplate"]),
    (
        "objects.coordinates",
        [
            "BoundingBoxCoordinates",
            "RotatableBoundingBoxCoordinates",
            "PointCoordinate",
            "PointCoordinate3D",
            "PolygonCoordinates",
            "PolylineCoordinates",
            "CircleCoordinates",
            "EllipseCoordinates",
            "CuboidCoordinates",
            "Cuboid2DPerspectiveCoordinates",
            "Cuboid2DIsometricCoordinates",
            "SkeletonCoordinate",
            "SkeletonCoordinates",
            "BitmaskCoordinates",
        ],
    ),
    ("objects.frames", ["Range"]),
    ("orm.storage", ["CustomerProvidedVideoMetadata", "CustomerProvidedImageMetadata"]),
    ("exceptions", ["EncordException", "LabelRowError", "OntologyError"]),
]

_LIB_CACHE: dict[str, types.SimpleNamespace] = {}


def load_lib(name: str) -> types.SimpleNamespace:
    """Import the classes the interpreter needs from package ``name`` (``encord`` or ``labelrow``).

    With ``LABELROW_DIFF_SELFTEST=1`` in the environment, ``load_lib("labelrow")`` returns a namespace
    built from ``encord`` instead, so the harness can be validated against the reference itself.
    """
    pkg = name
    if name == "labelrow" and os.environ.get("LABELROW_DIFF_SELFTEST") == "1":
        pkg = "encord"
    key = f"{name}:{pkg}"
    if key in _LIB_CACHE:
        return _LIB_CACHE[key]
    ns = types.SimpleNamespace(name=name, package=pkg)
    missing = []
    for mod_path, names in LIB_IMPORTS:
        try:
            mod = importlib.import_module(f"{pkg}.{mod_path}")
        except ImportError as e:
            missing.append(f"{pkg}.{mod_path} ({e})")
            continue
        for n in names:
            if not hasattr(mod, n):
                missing.append(f"{pkg}.{mod_path}.{n}")
            else:
                setattr(ns, n, getattr(mod, n))
    if missing:
        raise ImportError(f"library {pkg!r} lacks: " + ", ".join(missing))
    _LIB_CACHE[key] = ns
    return ns


# ---------------------------------------------------------------------------------------------------
# error outcomes
# ---------------------------------------------------------------------------------------------------

_BUILTIN_CATEGORIES = [
    ("KeyError", KeyError),
    ("ValueError", ValueError),
    ("TypeError", TypeError),
    ("NotImplementedError", NotImplementedError),
    ("RuntimeError", RuntimeError),
    ("IndexError", IndexError),
    ("AttributeError", AttributeError),
]


def error_categories(lib: types.SimpleNamespace, exc: BaseException) -> list[str]:
    """Every category ``exc`` satisfies, most specific first (library exceptions before built-ins)."""
    cats = []
    for n in ("OntologyError", "LabelRowError", "EncordException"):
        if isinstance(exc, getattr(lib, n)):
            cats.append(n)
    for n, cls in _BUILTIN_CATEGORIES:
        if isinstance(exc, cls):
            cats.append(n)
    cats.append("Exception")
    return cats


def err(lib: types.SimpleNamespace, exc: BaseException) -> dict:
    return {"error": error_categories(lib, exc)}


def is_error(x: Any) -> bool:
    return isinstance(x, dict) and len(x) == 1 and "error" in x


def error_compatible(ref: dict, ours: dict) -> bool:
    """True when ``ours`` (an error outcome) satisfies the class the reference raised (``ref``)."""
    primary = ref["error"][0]
    if primary in ours["error"]:
        return True
    # The reference failing by accident (AttributeError, ...) is matched by a clear LabelRowError.
    return primary in ("AttributeError", "IndexError", "Exception") and "LabelRowError" in ours["error"]


def reconcile(ref: Any, ours: Any) -> Any:
    """Return ``ours`` with every compatible error outcome replaced by the reference's outcome."""
    if is_error(ref) and is_error(ours):
        return ref if error_compatible(ref, ours) else ours
    if isinstance(ref, dict) and isinstance(ours, dict) and list(ref) == list(ours):
        return {k: reconcile(ref[k], ours[k]) for k in ours}
    if isinstance(ref, list) and isinstance(ours, list) and len(ref) == len(ours):
        return [reconcile(a, b) for a, b in zip(ref, ours)]
    return ours


def dumps(x: Any) -> str:
    return json.dumps(x)


def compare_results(ref: dict, ours: dict) -> str | None:
    """None when equal; otherwise a report with the first diverging op and a unified diff."""
    ours = reconcile(ref, ours)
    if dumps(ref) == dumps(ours):
        return None
    lines = []
    r_ops, o_ops = ref.get("ops", []), ours.get("ops", [])
    for i, (a, b) in enumerate(zip(r_ops, o_ops)):
        if dumps(a) != dumps(b):
            lines.append(f"first divergence at op index {i}: reference={dumps(a)} ours={dumps(b)}")
            break
    else:
        if len(r_ops) != len(o_ops):
            lines.append(f"op count differs: {len(r_ops)} vs {len(o_ops)}")
        else:
            diverging = [k for k in ref if dumps(ref.get(k)) != dumps(ours.get(k))]
            lines.append(f"all ops agree; diverging result sections: {diverging}")
    a = json.dumps(ref, indent=1).splitlines()
    b = json.dumps(ours, indent=1).splitlines()
    diff = list(difflib.unified_diff(a, b, "reference", "labelrow", lineterm="", n=4))
    if len(diff) > 200:
        diff = [*diff[:200], f"... ({len(diff) - 200} more diff lines)"]
    lines.extend(diff)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# value helpers shared by generator and interpreter
# ---------------------------------------------------------------------------------------------------

BASE_DT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
TZ_MINUTES = [0, 0, 0, 60, -300, 330, 545, -600]
EMAILS = ["ann@example.com", "bob.smith@lab.org", "c@d.io"]
BAD_EMAILS = ["not-an-email", "x@y", "@z.com"]
DATE_RE = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} (\d{4}) \d\d:\d\d:\d\d UTC$")


def make_dt(spec: list) -> datetime:
    """``[seconds after BASE_DT, tz offset minutes, microseconds]`` -> aware datetime."""
    off, tz_min, micro = spec
    tz = UTC if tz_min == 0 else timezone(timedelta(minutes=tz_min))
    return (BASE_DT + timedelta(seconds=off, microseconds=micro)).astimezone(tz)


def make_frames(lib: types.SimpleNamespace, spec: list) -> Any:
    kind, v = spec
    if kind == "i":
        return v
    if kind == "l":
        return list(v)
    if kind == "r":
        return lib.Range(v[0], v[1])
    if kind == "rs":
        return [lib.Range(a, b) for a, b in v]
    if kind == "set":
        return set(v)
    if kind == "tuple":
        return tuple(v)
    raise AssertionError(spec)


#: ``LABELROW_DIFF_STRICT_DATETIMES=1``: datetimes read back through the API must keep the caller's tzinfo and
#: microseconds (the reference returns the very object it was given). Default: same instant, UTC, to the second
#: (what ``to_encord_dict`` serialises).
STRICT_DATETIMES = os.environ.get("LABELROW_DIFF_STRICT_DATETIMES") == "1"


def render_dt(dt: Any) -> Any:
    if isinstance(dt, datetime):
        if STRICT_DATETIMES:
            return dt.isoformat()
        if dt.tzinfo is None:
            return "naive " + dt.replace(microsecond=0).isoformat()
        return dt.astimezone(UTC).replace(microsecond=0).isoformat()
    return repr(dt) if dt is not None else None


def render_answer(x: Any) -> Any:
    """Plain-data rendering of a ``get_answer`` result."""
    if x is None or isinstance(x, (str, int, float, bool)):
        return x
    if hasattr(x, "feature_node_hash"):
        return {"option": x.feature_node_hash}
    if hasattr(x, "answer") and hasattr(x, "ranges"):
        return {"answer": render_answer(x.answer), "ranges": [[r.start, r.end] for r in x.ranges]}
    if isinstance(x, (list, tuple)):
        return [render_answer(y) for y in x]
    return {"unrenderable": type(x).__name__}


def render_coords(c: Any) -> Any:
    return [type(c).__name__, c.to_dict()]


# ---------------------------------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------------------------------

GEOMETRIC_SHAPES = [
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
OBJ_NAMES = ["Car", "Big Truck", "person", "Épée ", "Road Sign", "x", "Tree  Top", "LANE"]
ATTR_NAMES = ["Color", "Shade note", "Flags", "Note", "Score", "Is Moving", "Kind", "Detail Level"]
OPT_LABELS = ["Red", "Dark Blue", "green", "Yes", "No", "Maybe So", "Ünïcode"]
TEXTS = ["", "hello", "multi word text", "ünïcode ✓", "42"]


class _Hashes:
    def __init__(self) -> None:
        self.n = 0

    def next(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:03d}"


def _gen_attr(rng: random.Random, h: _Hashes, path: str, depth: int, dynamic_ok: bool, typ: str | None = None) -> dict:
    if typ is None:
        typ = rng.choice(["radio", "radio", "checklist", "text", "numeric"])
    a = {
        "id": path,
        "name": rng.choice(ATTR_NAMES),
        "type": typ,
        "featureNodeHash": h.next("at"),
        "required": rng.random() < 0.2,
        "dynamic": dynamic_ok and rng.random() < 0.35,
        "archived": False,
    }
    if typ in ("radio", "checklist"):
        opts = []
        for k in range(1, rng.randint(2, 3) + 1):
            label = rng.choice(OPT_LABELS)
            o = {
                "id": f"{path}.{k}",
                "label": label,
                "value": label.lower().replace(" ", "_") if rng.random() < 0.8 else f"v{k}",
                "featureNodeHash": h.next("op"),
                "archived": False,
            }
            if typ == "radio" and depth < 4 and rng.random() < 0.45 / (depth + 1) + 0.05:
                o["options"] = [
                    _gen_attr(rng, h, f"{path}.{k}.{j}", depth + 1, False) for j in range(1, rng.randint(1, 2) + 1)
                ]
            opts.append(o)
        a["options"] = opts
    return a


def gen_ontology(rng: random.Random) -> dict:
    h = _Hashes()
    objects = []
    shapes = list(GEOMETRIC_SHAPES) + rng.sample(["bounding_box", "polygon", "point", "bitmask"], rng.randint(0, 2))
    skeleton_templates = []
    for uid, shape in enumerate(shapes, start=1):
        fh = h.next("ob")
        obj = {
            "id": str(uid),
            "name": rng.choice(OBJ_NAMES),
            "color": f"#{rng.randrange(1 << 24):06X}",
            "shape": shape,
            "featureNodeHash": fh,
            "required": False,
            "archived": False,
        }
        n_attrs = rng.choice([0, 1, 1, 2, 2, 3])
        attrs = [_gen_attr(rng, h, f"{uid}.{k}", 0, True) for k in range(1, n_attrs + 1)]
        if attrs:
            obj["attributes"] = attrs
        objects.append(obj)
        if shape == "skeleton" and not skeleton_templates:
            points = {}
            for k, nm in enumerate(["head", "hip", "foot"][: rng.randint(2, 3)]):
                points[str(k)] = {
                    "x": round(rng.random(), 3),
                    "y": round(rng.random(), 3),
                    "name": nm,
                    "color": "#00FF00",
                    "value": nm,
                    "featureHash": h.next("sp"),
                }
            edges = {"0": {"1": {"color": "#FF0000"}}}
            skeleton_templates.append(
                {
                    "template": {
                        "name": "Body",
                        "width": 0.5,
                        "height": 0.75,
                        "skeleton": points,
                        "skeletonEdges": edges,
                        "feature_node_hash": fh,
                        "shape": "skeleton",
                    }
                }
            )
    classifications = []
    n_cls = rng.randint(2, 4)
    for uid in range(1, n_cls + 1):
        typ = ["radio", "checklist", "text", "numeric"][uid - 1] if uid <= 4 else None
        c = {
            "id": str(uid),
            "featureNodeHash": h.next("cl"),
            "attributes": [_gen_attr(rng, h, f"{uid}.1", 0, False, typ)],
        }
        if uid == n_cls and rng.random() < 0.75:
            c["level"] = "global"
        classifications.append(c)
    # a second instance-able duplicate of the radio classification now and then
    return {"objects": objects, "classifications": classifications, "skeleton_templates": skeleton_templates}


def walk_attrs(attrs: list[dict], top: bool = True):
    """Yield ``(attribute dict, is_top_level)`` in pre-order (attribute, then nested ones of its options)."""
    for a in attrs:
        yield a, top
        for o in a.get("options", []):
            if a["type"] == "radio":
                yield from walk_attrs(o.get("options", []), False)


def gen_media(rng: random.Random) -> dict:
    kind = rng.choice(["video", "video", "image", "img_group"])
    if kind == "video":
        fps = rng.choice([1.0, 5, 10.0, 12.5, 25.0, 29.97, 30])
        target = rng.randint(1, 60)
        duration = rng.choice([round(target / fps, 3), target / fps, math.floor(target / fps) or 1])
        n = math.ceil(fps * duration)
        if n > 60 or n < 1:
            fps, duration, n = 10.0, 3.0, 30
        return {
            "kind": "video",
            "fps": fps,
            "duration": duration,
            "width": rng.randint(4, 24),
            "height": rng.randint(4, 24),
            "file_size": rng.randint(1, 10**6),
            "mime_type": rng.choice(["video/mp4", "video/webm"]),
            "n": n,
        }
    if kind == "image":
        return {
            "kind": "image",
            "width": rng.randint(4, 24),
            "height": rng.randint(4, 24),
            "file_size": rng.randint(1, 10**6),
            "mime_type": rng.choice(["image/png", "image/jpeg"]),
            "n": 1,
        }
    images = [
        {
            "width": rng.randint(4, 16),
            "height": rng.randint(4, 16),
            "file_size": rng.randint(1, 1000),
            "mime_type": rng.choice(["image/png", "image/jpeg", "image/webp"]),
        }
        for _ in range(rng.randint(1, 6))
    ]
    return {"kind": "img_group", "images": images, "n": len(images)}


def frame_size(media: dict, frame: int) -> tuple[int, int]:
    if media["kind"] in program_medical.MEDICAL_KINDS:
        return program_medical.frame_size(media, frame)
    if media["kind"] == "img_group":
        imgs = media["images"]
        im = imgs[frame] if 0 <= frame < len(imgs) else imgs[0]
        return im["width"], im["height"]
    return media["width"], media["height"]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed

    # -- scalars -------------------------------------------------------------------------------
    def num(self) -> float | int:
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice([0, 1])
        if r < 0.12:
            return round(self.rng.uniform(-0.5, 1.5), 3)
        if r < 0.15:
            return self.rng.choice([1e-05, 12345.678, 0.1 + 0.2])
        return round(self.rng.random(), 4)

    def dt(self) -> list:
        r = self.rng
        return [r.randrange(0, 10**7), r.choice(TZ_MINUTES), r.choice([0, 0, 0, 250000])]

    def point(self, dims: int = 2) -> list:
        return [self.num() for _ in range(dims)]

    # -- frames --------------------------------------------------------------------------------
    def frame(self, n: int) -> int:
        r = self.rng.random()
        if r < 0.04:
            return n + self.rng.randint(0, 3)
        if r < 0.05:
            return -1
        return self.rng.randrange(n)

    def frames(self, n: int, known: set[int] | None = None) -> list:
        rng = self.rng
        r = rng.random()
        if known and rng.random() < 0.25:
            return ["l", sorted(rng.sample(sorted(known), rng.randint(1, len(known))))]
        if r < 0.3:
            return ["i", self.frame(n)]
        if r < 0.55:
            fs = [self.frame(n) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.5:
                fs = sorted(set(fs))
            return ["l", fs]
        if r < 0.8:
            s = self.frame(n)
            e = min(s + rng.randint(0, 6), n + (1 if rng.random() < 0.05 else -1))
            if rng.random() < 0.04:
                s, e = e + 1, s  # reversed
            return ["r", [s, e]]
        if r < 0.96:
            out = []
            for _ in range(rng.randint(1, 3)):
                s = rng.randrange(n)
                out.append([s, min(n - 1, s + rng.randint(0, 4))])
            return ["rs", out]
        return [rng.choice(["set", "tuple"]), [self.rng.randrange(n)]]

    # -- coordinates ---------------------------------------------------------------------------
    def coords(self, shape: str, media: dict, frame: int, onto: dict) -> dict:
        rng = self.rng
        if rng.random() < 0.04:  # wrong shape -> LabelRowError
            shape = rng.choice(GEOMETRIC_SHAPES)
        p = self.point
        if shape == "bounding_box":
            return {"t": "bbox", "v": [self.num() for _ in range(4)]}
        if shape == "rotatable_bounding_box":
            return {"t": "rbbox", "v": [self.num() for _ in range(4)] + [rng.choice([0, 45.5, -30.0, 0.0])]}
        if shape == "point":
            return {"t": "point", "v": p()}
        if shape == "polygon":
            form = rng.choice(["values", "values", "polygons", "polygons", "both"])
            ring = [p() for _ in range(rng.randint(3, 5))]
            if form == "values":
                return {"t": "polygon", "values": ring}
            polys = [[ring] + [[p() for _ in range(3)] for _ in range(rng.randint(0, 2))]]
            for _ in range(rng.randint(0, 2)):
                polys.append([[p() for _ in range(rng.randint(3, 4))] for _ in range(rng.randint(1, 2))])
            if form == "polygons":
                return {"t": "polygon", "polygons": polys}
            values = ring if rng.random() < 0.7 else [p() for _ in range(3)]
            return {"t": "polygon", "values": values, "polygons": polys}
        if shape == "polyline":
            dims = 3 if rng.random() < 0.15 else 2
            return {
                "t": "polyline",
                "values": [p(dims) for _ in range(rng.randint(0 if rng.random() < 0.05 else 2, 5))],
            }
        if shape == "bitmask":
            w, h = frame_size(media, frame)
            if rng.random() < 0.03:
                w, h = w + 1, h
            rects = []
            for _ in range(rng.randint(0, 3)):
                y0, x0 = rng.randrange(h), rng.randrange(w)
                rects.append([y0, x0, rng.randint(y0 + 1, h), rng.randint(x0 + 1, w)])
            return {"t": "bitmask", "w": w, "h": h, "rects": rects}
        if shape == "skeleton":
            tmpl = onto["skeleton_templates"][0]["template"]
            pts = []
            for pt in tmpl["skeleton"].values():
                vis = rng.choice([None, None, "visible", "invisible", "occluded", "selfOccluded"])
                pts.append(
                    [round(rng.random(), 3) if rng.random() < 0.8 else rng.choice([0, 1]), self.num(), pt["name"], vis]
                )
            via = rng.choice(["template", "direct", "direct_hash"])
            return {"t": "skeleton", "via": via, "name": tmpl["name"], "pts": pts}
        if shape == "circle":
            c = {"t": "circle", "v": [self.num(), self.num(), self.num()]}
            if rng.random() < 0.5:
                c["stretch"] = self.num()
            if rng.random() < 0.5:
                c["theta"] = rng.choice([0, 12.5, 90])
            return c
        if shape == "ellipse":
            c = {"t": "ellipse", "v": [self.num() for _ in range(4)]}
            if rng.random() < 0.5:
                c["theta"] = rng.choice([0, 12.5, 1.0])
            return c
        if shape == "cuboid_2d":
            front = [p() for _ in range(4)]
            if rng.random() < 0.5:
                return {"t": "cuboid2d_p", "front": front, "vp": p(), "scale": self.num()}
            return {"t": "cuboid2d_i", "front": front, "offset": p()}
        if shape == "cuboid":
            return {"t": "cuboid", "pos": p(3), "ori": p(3), "size": p(3)}
        raise AssertionError(shape)

    def meta(self, full: bool = True) -> dict:
        rng = self.rng
        m: dict = {"ca": self.dt(), "la": self.dt()}
        if rng.random() < 0.5:
            m["cb"] = rng.choice(EMAILS)
        if rng.random() < 0.4:
            m["lb"] = rng.choice(EMAILS)
        if rng.random() < 0.5:
            m["conf"] = rng.choice([1, 0, 0.5, 0.25, 1.0, 0.7331])
        if rng.random() < 0.4:
            m["man"] = rng.random() < 0.5
        return m

    def answer(self, attr: dict, any_attr_pool: list[dict]) -> dict:
        rng = self.rng
        if rng.random() < 0.06 and any_attr_pool:  # answer of another attribute's kind
            attr = rng.choice(any_attr_pool)
        t = attr["type"]
        if t == "radio":
            return {"opt": rng.choice(attr["options"])["featureNodeHash"]}
        if t == "checklist":
            opts = [o["featureNodeHash"] for o in attr["options"]]
            k = rng.randint(0, len(opts))
            return {"opts": rng.sample(opts, k)}
        if t == "text":
            return {"text": rng.choice(TEXTS)}
        return {"num": rng.choice([0, 3, -2, 2.5, 1.0, 1e-05, True])}


def _attr_pool(node: dict) -> list[dict]:
    return [a for a, _ in walk_attrs(node.get("attributes", []))]


def walk_chain(attrs: list[dict], chain: tuple = ()):
    """Yield ``(attribute dict, chain)`` in pre-order; ``chain`` = ((radio attr, option), ...) leading to it."""
    for a in attrs:
        yield a, chain
        if a["type"] == "radio":
            for o in a.get("options", []):
                yield from walk_chain(o.get("options", []), (*chain, (a, o)))


def gen_program(seed: int, media_kind: str | None = None) -> dict:
    """A random program; ``media_kind`` picks one of ``program_medical.MEDICAL_KINDS`` instead of the default mix."""
    g = _Gen(seed)
    rng = g.rng
    onto = gen_ontology(rng)
    media = gen_media(rng) if media_kind is None else program_medical.gen_media(rng, media_kind)
    n = media["n"]
    objs_onto = onto["objects"]
    cls_onto = onto["classifications"]
    all_attrs = [a for o in objs_onto + cls_onto for a in _attr_pool(o)]

    # generator-side model (optimistic: it does not know which ops will fail)
    objs: list[dict] = []  # {"onto", "frames": set, "attached": bool, "hash"}
    clss: list[dict] = []  # {"onto", "frames": set, "attached": bool, "hash"}
    used_cls_frames: dict[str, set[int]] = {}
    ops: list[dict] = []
    n_ops = rng.randint(5, 40)
    max_objs = rng.randint(1, 8)
    hash_counter = 0

    def new_hash(prefix: str) -> str:
        nonlocal hash_counter
        hash_counter += 1
        # Reuse an existing hash of the same kind sometimes. (An object and a classification sharing a hash
        # corrupt the reference's shared frame registry; labelrow keeps them apart - docs/compatibility.md.)
        pool = [o["hash"] for o in objs if o["hash"] != "?"] if prefix == "O" else [c["hash"] for c in clss]
        pool = [h for h in pool if h != "?"]
        if rng.random() < 0.05 and pool:
            return rng.choice(pool)
        return f"{prefix}{hash_counter}"

    def frames_list(spec: list) -> list[int]:
        kind, v = spec
        if kind == "i":
            return [v]
        if kind in ("l", "set", "tuple"):
            return list(v)
        if kind == "r":
            return list(range(v[0], v[1] + 1))
        return [f for a, b in v for f in range(a, b + 1)]

    def first_frame(spec: list) -> int:
        fs = [f for f in frames_list(spec) if 0 <= f < n]
        return fs[0] if fs else 0

    def fresh_frames(taken: set[int]) -> list:
        free = [f for f in range(n) if f not in taken]
        if not free or rng.random() < 0.15:
            return g.frames(n, taken)
        s = rng.choice(free)
        e = s
        while e + 1 < n and e + 1 not in taken and e - s < rng.randint(0, 5):
            e += 1
        r = rng.random()
        if r < 0.3 or s == e:
            return ["i", s] if s == e and rng.random() < 0.5 else ["l", list(range(s, e + 1))]
        if r < 0.7:
            return ["r", [s, e]]
        return ["rs", [[s, e]]]

    def obj_set_frames(i: int, kind: str = "set_frames") -> dict:
        o = objs[i]
        if kind == "fv_add_obj":
            f = rng.choice(sorted(o["frames"])) if o["frames"] and rng.random() < 0.3 else g.frame(n)
            fr = ["i", f]
        elif o["frames"] and rng.random() < 0.3:
            fr = g.frames(n, o["frames"])
        else:
            fr = fresh_frames(o["frames"])
        fl = frames_list(fr)
        clash = bool(o["frames"] & set(fl))
        op = {
            "op": kind,
            "i": i,
            "coords": g.coords(o["onto"]["shape"], media, first_frame(fr), onto),
            "meta": g.meta(),
            "overwrite": (rng.random() < 0.85) if clash else (rng.random() < 0.1),
        }
        if kind == "fv_add_obj":
            op["frame"] = fr[1]
        elif rng.random() < 0.06:
            op["frames_default"] = True
            fl = [0]
        else:
            op["frames"] = fr
        if fr[0] not in ("set", "tuple"):
            o["frames"].update(f for f in fl if 0 <= f < n)
        if kind == "fv_add_obj":
            o["attached"] = True
        return op

    def answer_ops(i: int) -> list[dict]:
        o = objs[i]
        pool = list(walk_chain(o["onto"].get("attributes", [])))
        if not pool:
            return []
        a, chain = rng.choice(pool)
        out = []
        if chain and rng.random() < 0.8:  # select the parents first so that the nested answer is allowed
            for pa, po in chain:
                out.append(
                    {
                        "op": "set_answer",
                        "i": i,
                        "ans": {"opt": po["featureNodeHash"]},
                        "attr": pa["featureNodeHash"],
                        "overwrite": True,
                    }
                )
        op = {"op": "set_answer", "i": i, "ans": g.answer(a, all_attrs)}
        op["attr"] = None if rng.random() < 0.2 else a["featureNodeHash"]
        if a["dynamic"] and rng.random() < 0.75:
            op["frames"] = (
                g.frames(n, o["frames"]) if rng.random() < 0.8 or not o["frames"] else ["l", sorted(o["frames"])]
            )
            if o["frames"] and rng.random() < 0.5:  # several values of one dynamic attribute over its frames
                for _ in range(rng.randint(1, 3)):
                    fl = sorted(o["frames"])
                    lo = rng.randrange(len(fl))
                    sub = fl[lo : lo + rng.randint(1, 4)]
                    more = {"op": "set_answer", "i": i, "ans": g.answer(a, []), "attr": a["featureNodeHash"]}
                    more["frames"] = ["l", sub] if rng.random() < 0.5 else ["r", [sub[0], sub[-1]]]
                    out.append(more)
        elif rng.random() < 0.03:
            op["frames"] = ["i", 0]
        if rng.random() < 0.6:
            op["overwrite"] = rng.random() < 0.8
        if rng.random() < 0.3:
            op["manual"] = rng.random() < 0.5
        out.append(op)
        return out

    def cls_frames(k: int) -> list:
        c = clss[k]
        taken = used_cls_frames.setdefault(c["onto"]["featureNodeHash"], set())
        fr = fresh_frames(taken) if rng.random() < 0.85 else g.frames(n)
        if fr[0] not in ("set", "tuple"):
            fl = [f for f in frames_list(fr) if 0 <= f < n]
            taken.update(fl)
            c["frames"].update(fl)
        return fr

    weights = {
        "new_obj": 10,
        "set_frames": 16,
        "add_obj": 8,
        "fv_add_obj": 5,
        "set_answer": 14,
        "delete_answer": 3,
        "remove_from_frames": 3,
        "remove_object": 1.5,
        "copy_obj": 1.5,
        "ann_set": 5,
        "set_obj_number": 1.5,
        "new_cls": 5,
        "cls_set_frames": 6,
        "add_cls": 5,
        "fv_add_cls": 2,
        "cls_set_answer": 6,
        "cls_delete_answer": 1,
        "remove_cls": 1,
        "cls_remove_from_frames": 1.5,
        "cls_copy": 0.7,
        "cls_meta_set": 1.5,
        "export": 2,
        "roundtrip": 0.7,
    }
    names = list(weights)
    wts = [weights[k] for k in names]

    while len(ops) < n_ops:
        kind = rng.choices(names, wts)[0]
        if not objs and kind not in ("new_obj", "new_cls", "export"):
            kind = "new_obj"
        i = rng.randrange(len(objs)) if objs else 0
        k = rng.randrange(len(clss)) if clss else None
        if kind.startswith("cls_") or kind in ("add_cls", "fv_add_cls", "remove_cls"):
            if k is None:
                continue
            c = clss[k]
        if kind == "new_obj":
            if len(objs) >= max_objs:
                continue
            ob = rng.choice(objs_onto)
            op = {"op": "new_obj", "i": len(objs), "feat": ob["featureNodeHash"], "hash": new_hash("O")}
            r = rng.random()
            if r < 0.3:
                op["number"] = rng.randint(0, 5)
            elif r < 0.33:
                op["number"] = -1
            objs.append({"onto": ob, "frames": set(), "hash": op["hash"], "attached": False})
            ops.append(op)
            if rng.random() < 0.6:  # usually give it coordinates straight away (and often add it)
                ops.append(obj_set_frames(len(objs) - 1))
                if rng.random() < 0.5:
                    ops.append({"op": "add_obj", "i": len(objs) - 1})
                    objs[-1]["attached"] = True
            continue
        if kind in ("set_frames", "fv_add_obj"):
            op = obj_set_frames(i, kind)
        elif kind == "add_obj":
            o = objs[i]
            if o["attached"] and rng.random() < 0.85:
                continue
            if not o["frames"] and rng.random() < 0.85:
                ops.append(obj_set_frames(i))
            op = {"op": "add_obj", "i": i}
            if rng.random() < 0.5:
                op["force"] = rng.random() < 0.6
            o["attached"] = True
        elif kind == "set_answer":
            with_attrs = [j for j, o in enumerate(objs) if o["onto"].get("attributes")]
            if with_attrs and rng.random() < 0.8:
                i = rng.choice(with_attrs)
            more = answer_ops(i)
            if not more:
                continue
            ops.extend(more[:-1])
            op = more[-1]
        elif kind == "delete_answer":
            pool = _attr_pool(objs[i]["onto"])
            if not pool:
                continue
            a = rng.choice(pool)
            op = {"op": "delete_answer", "i": i, "attr": a["featureNodeHash"]}
            if rng.random() < 0.3:
                op["filter_answer"] = g.answer(a, [])
            if rng.random() < 0.4:
                op["filter_frame"] = g.frame(n)
        elif kind == "remove_from_frames":
            fr = g.frames(n, objs[i]["frames"])
            op = {"op": "remove_from_frames", "i": i, "frames": fr}
            objs[i]["frames"] -= set(frames_list(fr))
        elif kind == "remove_object":
            op = {"op": "remove_object", "i": i}
            objs[i]["attached"] = False
        elif kind == "copy_obj":
            if len(objs) >= max_objs + 2:
                continue
            op = {"op": "copy_obj", "i": i, "j": len(objs)}
            objs.append({"onto": objs[i]["onto"], "frames": set(objs[i]["frames"]), "hash": "?", "attached": False})
        elif kind == "ann_set":
            o = objs[i]
            f = rng.choice(sorted(o["frames"])) if o["frames"] and rng.random() < 0.9 else g.frame(n)
            field = rng.choice(
                [
                    "coordinates",
                    "coordinates",
                    "confidence",
                    "created_by",
                    "last_edited_by",
                    "created_at",
                    "last_edited_at",
                    "manual_annotation",
                ]
            )
            if field == "coordinates":
                v: Any = g.coords(o["onto"]["shape"], media, f if 0 <= f < n else 0, onto)
            elif field == "confidence":
                v = rng.choice([0, 1, 0.5, 0.9])
            elif field in ("created_by", "last_edited_by"):
                v = rng.choice([*EMAILS, None, rng.choice(BAD_EMAILS)])
            elif field in ("created_at", "last_edited_at"):
                v = g.dt()
            else:
                v = rng.random() < 0.5
            op = {"op": "ann_set", "i": i, "frame": f, "field": field, "value": v}
        elif kind == "set_obj_number":
            op = {"op": "set_obj_number", "i": i, "number": rng.choice([None, 0, 1, 2, 7, -3])}
        elif kind == "new_cls":
            cd = rng.choice(cls_onto)
            op = {"op": "new_cls", "k": len(clss), "feat": cd["featureNodeHash"], "hash": new_hash("C")}
            op["ca"], op["la"] = g.dt(), g.dt()  # the constructor's defaults are "now": pin them
            if rng.random() < 0.08:
                op["range_only"] = True
            clss.append({"onto": cd, "hash": op["hash"], "frames": set(), "attached": False})
        elif kind == "cls_set_frames":
            op = {"op": kind, "k": k}
            if c["onto"].get("level") != "global" or rng.random() < 0.5:
                op["frames"] = cls_frames(k)
            op["meta"] = g.meta()
            op["overwrite"] = rng.random() < 0.2
        elif kind == "fv_add_cls":
            taken = used_cls_frames.setdefault(c["onto"]["featureNodeHash"], set())
            free = [f for f in range(n) if f not in taken]
            f = rng.choice(free) if free and rng.random() < 0.85 else g.frame(n)
            taken.add(f)
            op = {"op": kind, "k": k, "frame": f, "meta": g.meta(), "overwrite": rng.random() < 0.2}
            c["attached"] = True
        elif kind == "add_cls":
            if c["attached"] and rng.random() < 0.85:
                continue
            if not c["frames"] and c["onto"].get("level") != "global" and rng.random() < 0.85:
                ops.append(
                    {"op": "cls_set_frames", "k": k, "frames": cls_frames(k), "meta": g.meta(), "overwrite": False}
                )
            op = {"op": kind, "k": k}
            if rng.random() < 0.5:
                op["force"] = rng.random() < 0.4
            c["attached"] = True
        elif kind == "cls_set_answer":
            pool = list(walk_chain(c["onto"]["attributes"]))
            a, chain = rng.choice(pool)
            if chain and rng.random() < 0.8:
                for pa, po in chain:
                    ops.append(
                        {
                            "op": kind,
                            "k": k,
                            "ans": {"opt": po["featureNodeHash"]},
                            "attr": pa["featureNodeHash"],
                            "overwrite": True,
                        }
                    )
            op = {"op": kind, "k": k, "ans": g.answer(a, all_attrs)}
            op["attr"] = None if rng.random() < 0.3 else a["featureNodeHash"]
            if rng.random() < 0.5:
                op["overwrite"] = rng.random() < 0.8
        elif kind == "cls_delete_answer":
            pool = _attr_pool(c["onto"])
            op = {"op": kind, "k": k, "attr": None if rng.random() < 0.3 else rng.choice(pool)["featureNodeHash"]}
        elif kind == "remove_cls":
            op = {"op": kind, "k": k}
            c["attached"] = False
        elif kind == "cls_remove_from_frames":
            fr = g.frames(n, c["frames"])
            op = {"op": kind, "k": k, "frames": fr}
        elif kind == "cls_copy":
            op = {"op": kind, "k": k, "j": len(clss)}
            clss.append({"onto": c["onto"], "hash": "?", "frames": set(c["frames"]), "attached": False})
        elif kind == "cls_meta_set":
            field = rng.choice(["confidence", "created_by", "last_edited_by", "manual_annotation", "created_at"])
            if field == "confidence":
                v = rng.choice([0, 1, 0.5])
            elif field == "manual_annotation":
                v = rng.random() < 0.5
            elif field == "created_at":
                v = g.dt()
            else:
                v = rng.choice([*EMAILS, None, rng.choice(BAD_EMAILS)])
            op = {"op": kind, "k": k, "field": field, "value": v}
        elif kind == "export":
            op = {"op": "export"}
        elif kind == "roundtrip":
            op = {"op": "roundtrip"}
        else:  # pragma: no cover
            raise AssertionError(kind)
        ops.append(op)

    # query plan
    qframes = sorted({0, n - 1, n, rng.randrange(n), rng.randrange(n), -1 if rng.random() < 0.2 else 0})
    filters = []
    for _ in range(3):
        f: dict = {}
        if rng.random() < 0.6:
            f["obj"] = rng.choice(objs_onto)["featureNodeHash"]
        if rng.random() < 0.7:
            f["frames"] = g.frames(n)
        filters.append(f)
    cfilters = []
    for _ in range(2):
        f = {}
        if rng.random() < 0.6:
            f["cls"] = rng.choice(cls_onto)["featureNodeHash"]
        if rng.random() < 0.7:
            f["frames"] = g.frames(n)
        cfilters.append(f)
    return {
        "seed": seed,
        "build": rng.choice(["api", "dict"]),
        "branch_name": rng.choice([None, None, "main", "dev"]),
        "ontology": onto,
        "media": media,
        "ops": ops,
        "queries": {"frames": qframes, "obj_filters": filters, "cls_filters": cfilters},
    }


# ---------------------------------------------------------------------------------------------------
# interpreter
# ---------------------------------------------------------------------------------------------------

_ATTR_CLASS = {"radio": "RadioAttribute", "checklist": "ChecklistAttribute", "text": "TextAttribute"}
_ATTR_CLASS["numeric"] = "NumericAttribute"

FIXED_ROW_CREATED = "Mon, 01 Jan 2024 00:00:00 UTC"
FIXED_ROW_EDITED = "Tue, 02 Jan 2024 00:00:00 UTC"


def _local_uid(path: str) -> int:
    return int(path.rsplit(".", 1)[-1])


def _api_attr(lib, parent, a: dict, nested: bool) -> None:
    cls = getattr(lib, _ATTR_CLASS[a["type"]])
    kw = {"local_uid": _local_uid(a["id"]), "feature_node_hash": a["featureNodeHash"], "required": a["required"]}
    if nested:
        attr = parent.add_nested_attribute(cls, a["name"], **kw)
    elif a.get("dynamic"):
        attr = parent.add_attribute(cls, a["name"], dynamic=True, **kw)
    else:
        attr = parent.add_attribute(cls, a["name"], **kw)
    for o in a.get("options", []):
        opt = attr.add_option(
            o["label"], o["value"], local_uid=_local_uid(o["id"]), feature_node_hash=o["featureNodeHash"]
        )
        for na in o.get("options", []):
            _api_attr(lib, opt, na, True)


def build_ontology(lib: types.SimpleNamespace, onto: dict, mode: str) -> Any:
    """Build the structure either with ``OntologyStructure.from_dict`` or with the ``add_*`` API."""
    if mode == "dict":
        return lib.OntologyStructure.from_dict(json.loads(json.dumps(onto)))
    s = lib.OntologyStructure()
    for ob in onto["objects"]:
        o = s.add_object(
            ob["name"],
            lib.Shape(ob["shape"]),
            uid=int(ob["id"]),
            color=ob["color"],
            feature_node_hash=ob["featureNodeHash"],
        )
        for a in ob.get("attributes", []):
            _api_attr(lib, o, a, False)
    for t in onto["skeleton_templates"]:
        tmpl = dict(t["template"])
        fh = tmpl.pop("feature_node_hash")
        s.add_skeleton_template(lib.SkeletonTemplate.from_dict(tmpl), feature_node_hash=fh)
    for cd in onto["classifications"]:
        level = lib.OntologyClassificationLevel.GLOBAL if cd.get("level") == "global" else None
        c = s.add_classification(uid=int(cd["id"]), feature_node_hash=cd["featureNodeHash"], level=level)
        for a in cd["attributes"]:
            _api_attr(lib, c, a, False)
    return s


def build_media(lib: types.SimpleNamespace, media: dict) -> Any:
    if media["kind"] == "video":
        return lib.CustomerProvidedVideoMetadata(
            fps=media["fps"],
            duration=media["duration"],
            width=media["width"],
            height=media["height"],
            file_size=media["file_size"],
            mime_type=media["mime_type"],
        )
    if media["kind"] == "image":
        return lib.CustomerProvidedImageMetadata(
            mime_type=media["mime_type"], file_size=media["file_size"], height=media["height"], width=media["width"]
        )
    return [
        lib.CustomerProvidedImageMetadata(
            mime_type=im["mime_type"], file_size=im["file_size"], height=im["height"], width=im["width"]
        )
        for im in media["images"]
    ]


def new_row(lib: types.SimpleNamespace, structure: Any, program: dict) -> Any:
    """A detached row whose row-level timestamps are pinned (one ``from_labels_dict`` of its own export)."""
    if program["media"]["kind"] in program_medical.MEDICAL_KINDS:
        return program_medical.new_row(lib, structure, program)
    kw = {"branch_name": program["branch_name"]} if program.get("branch_name") else {}
    row = lib.LabelRowV2.from_media_metadata(
        types.SimpleNamespace(structure=structure), build_media(lib, program["media"]), **kw
    )
    d = row.to_encord_dict()
    d["created_at"] = FIXED_ROW_CREATED
    d["last_edited_at"] = FIXED_ROW_EDITED
    row.from_labels_dict(d)
    return row


def make_coords(lib: types.SimpleNamespace, structure: Any, c: dict) -> Any:
    t = c["t"]
    P = lib.PointCoordinate
    if t == "bbox":
        h, w, x, y = c["v"]
        return lib.BoundingBoxCoordinates(height=h, width=w, top_left_x=x, top_left_y=y)
    if t == "rbbox":
        h, w, x, y, th = c["v"]
        return lib.RotatableBoundingBoxCoordinates(height=h, width=w, top_left_x=x, top_left_y=y, theta=th)
    if t == "point":
        return P(x=c["v"][0], y=c["v"][1])
    if t == "polygon":
        kw = {}
        if "values" in c:
            kw["values"] = [P(x=x, y=y) for x, y in c["values"]]
        if "polygons" in c:
            kw["polygons"] = [[[P(x=x, y=y) for x, y in ring] for ring in poly] for poly in c["polygons"]]
        return lib.PolygonCoordinates(**kw)
    if t == "polyline":
        pts = [P(x=p[0], y=p[1]) if len(p) == 2 else lib.PointCoordinate3D(x=p[0], y=p[1], z=p[2]) for p in c["values"]]
        return lib.PolylineCoordinates(values=pts)
    if t == "bitmask":
        arr = np.zeros((c["h"], c["w"]), dtype=bool)
        for y0, x0, y1, x1 in c["rects"]:
            arr[y0:y1, x0:x1] = True
        return lib.BitmaskCoordinates(arr)
    if t == "skeleton":
        if c["via"] == "template":
            pts = [lib.SkeletonCoordinate(x=x, y=y, name=nm) for x, y, nm, _ in c["pts"]]
            return structure.skeleton_templates[c["name"]].create_instance(pts)
        pts = []
        tmpl = structure.skeleton_templates[c["name"]]
        by_name = {p.name: p for p in tmpl.skeleton.values()}
        for x, y, nm, vis in c["pts"]:
            kw = {"x": x, "y": y, "name": nm}
            if vis is not None:
                kw["visibility"] = vis
            if c["via"] == "direct_hash":
                kw["feature_hash"] = by_name[nm].feature_hash
            pts.append(lib.SkeletonCoordinate(**kw))
        return lib.SkeletonCoordinates(values=pts, name=c["name"])
    if t == "circle":
        kw = {k: c[k] for k in ("stretch", "theta") if k in c}
        return lib.CircleCoordinates(center_x=c["v"][0], center_y=c["v"][1], radius=c["v"][2], **kw)
    if t == "ellipse":
        kw = {k: c[k] for k in ("theta",) if k in c}
        cx, cy, rx, ry = c["v"]
        return lib.EllipseCoordinates(center_x=cx, center_y=cy, rx=rx, ry=ry, **kw)
    if t == "cuboid2d_p":
        return lib.Cuboid2DPerspectiveCoordinates(
            front=[P(x=x, y=y) for x, y in c["front"]],
            vanishing_point=P(x=c["vp"][0], y=c["vp"][1]),
            scale_ratio=c["scale"],
        )
    if t == "cuboid2d_i":
        return lib.Cuboid2DIsometricCoordinates(
            front=[P(x=x, y=y) for x, y in c["front"]], offset=P(x=c["offset"][0], y=c["offset"][1])
        )
    if t == "cuboid":
        return lib.CuboidCoordinates(position=tuple(c["pos"]), orientation=tuple(c["ori"]), size=tuple(c["size"]))
    raise AssertionError(t)


_LOOKUP_CACHE: dict[tuple[int, str], Any] = {}


def lookup(structure: Any, h: str) -> Any:
    """``structure.get_child_by_hash(h)``, memoised per structure object (the reference's walk is slow)."""
    key = (id(structure), h)
    hit = _LOOKUP_CACHE.get(key)
    if hit is None or hit[0] is not structure:
        hit = (structure, structure.get_child_by_hash(h))
        if len(_LOOKUP_CACHE) > 20000:
            _LOOKUP_CACHE.clear()
        _LOOKUP_CACHE[key] = hit
    return hit[1]


def make_answer(structure: Any, a: dict) -> Any:
    if "opt" in a:
        return lookup(structure, a["opt"])
    if "opts" in a:
        return [lookup(structure, h) for h in a["opts"]]
    if "text" in a:
        return a["text"]
    return a["num"]


def _meta_kwargs(m: dict) -> dict:
    kw = {"created_at": make_dt(m["ca"]), "last_edited_at": make_dt(m["la"])}
    for key, name in (
        ("cb", "created_by"),
        ("lb", "last_edited_by"),
        ("conf", "confidence"),
        ("man", "manual_annotation"),
    ):
        if key in m:
            kw[name] = m[key]
    return kw


class _Interp:
    def __init__(self, lib: types.SimpleNamespace, program: dict) -> None:
        self.lib = lib
        self.p = program
        self.structure = build_ontology(lib, program["ontology"], program["build"])
        self.row = new_row(lib, self.structure, program)
        self.objs: dict[int, Any] = {}
        self.clss: dict[int, Any] = {}
        self.copy_hashes: dict[str, str] = {}
        self.copies: set[int] = set()

    def get(self, h: str) -> Any:
        return lookup(self.structure, h)

    def atomic(self, spec: list, bad) -> list:
        """Frames for an op that the reference applies frame by frame: when some frames make the call fail,
        keep only those, so that the reference fails before changing anything. labelrow's calls are atomic by
        design (docs/compatibility.md); the reference leaves the frames before the failing one applied."""
        kind, v = spec
        if kind == "i":
            frames = [v]
        elif kind == "l":
            frames = sorted(set(v))
        elif kind == "r":
            frames = list(range(v[0], v[1] + 1))
        elif kind == "rs":
            frames = sorted({f for a, b in v for f in range(a, b + 1)})
        else:
            return spec
        failing = [f for f in frames if bad(f)]
        return ["l", failing] if failing else spec

    def foreign_checklist(self, op: dict) -> bool:
        """An answer the reference stores part of before it notices it is invalid: a checklist holding options
        of another attribute, or any invalid answer to a dynamic attribute (the old answer on those frames is
        already removed). labelrow validates first (docs/compatibility.md). Such ops are skipped; the bad-input
        table covers their exception class on fresh instances."""
        if op["attr"] is None:
            return False
        attr, ans = self.get(op["attr"]), op["ans"]
        kind = type(attr).__name__
        own = {o.feature_node_hash for o in getattr(attr, "options", [])}
        if kind == "ChecklistAttribute":
            return "opts" not in ans or any(h not in own for h in ans["opts"])
        if not attr.dynamic:
            return False
        if kind == "RadioAttribute":
            return "opt" not in ans or ans["opt"] not in own
        if kind == "TextAttribute":
            return "text" not in ans
        return "num" not in ans

    def clear_replaced(self, obj: Any, force: Any) -> None:
        """Before a forced add that replaces another instance with the same hash, remove that instance.

        The reference keeps the replaced instance's frame registrations (frame views then list the new object on
        frames it is not on, and ``to_encord_dict`` raises); labelrow fixes this (docs/compatibility.md). Removing
        the old instance first gives both libraries the same, well-defined row."""
        if force is False or obj.is_assigned_to_label_row():
            return
        for other in self.row.get_object_instances():
            if other is not obj and other.object_hash == obj.object_hash:
                self.row.remove_object(other)

    def answer_attr(self, op: dict, obj: Any) -> Any:
        """The attribute a set_answer op refers to, inferring it from the answer when the op names none."""
        if op["attr"] is not None:
            return self.get(op["attr"])
        ans = op["ans"]
        onto = next(
            o for o in self.p["ontology"]["objects"] if o["featureNodeHash"] == obj.ontology_item.feature_node_hash
        )
        attrs = [a for a, _ in walk_attrs(onto.get("attributes", []))]
        if "opt" in ans or "opts" in ans:
            first = ans.get("opt") or (ans["opts"][0] if ans["opts"] else None)
            owners = [a for a in attrs if any(o["featureNodeHash"] == first for o in a.get("options", []))]
        else:
            owners = [a for a in attrs if a["type"] == ("text" if "text" in ans else "numeric")]
        return self.get(owners[0]["featureNodeHash"]) if len(owners) == 1 else None

    def ghost_twin(self, obj: Any) -> bool:
        """Another instance with obj's hash still points at the row without being listed (its frames were all
        removed): frames it was given since are registered for the hash in the reference, which would then list
        obj on them. Adding obj is skipped (docs/compatibility.md)."""
        listed = self.row.get_object_instances()
        return any(
            o is not None
            and o is not obj
            and o.object_hash == obj.object_hash
            and o.is_assigned_to_label_row()
            and all(x is not o for x in listed)
            for o in self.objs.values()
        )

    def shadowed(self, obj: Any) -> bool:
        """An instance that still points at the row but left its list, while another listed object has its hash:
        frames set on it corrupt the reference's frame registry for that hash (to_encord_dict then raises);
        labelrow keeps them apart (docs/compatibility.md). Ops that place it on frames are skipped."""
        if not obj.is_assigned_to_label_row():
            return False
        listed = self.row.get_object_instances()
        return all(o is not obj for o in listed) and any(o.object_hash == obj.object_hash for o in listed)

    def bound(self, instance: Any) -> float:
        return self.row.number_of_frames if instance.is_assigned_to_label_row() else float("inf")

    def run_op(self, op: dict) -> Any:
        lib, row, kind = self.lib, self.row, op["op"]
        if kind == "new_obj":
            kw = {"object_hash": op["hash"]}
            if "number" in op:
                kw["object_number"] = op["number"]
            self.objs[op["i"]] = lib.ObjectInstance(self.get(op["feat"]), **kw)
            return "ok"
        if kind == "new_cls":
            kw = {"classification_hash": op["hash"]}
            if op.get("range_only"):
                kw["range_only"] = True
            ci = lib.ClassificationInstance(self.get(op["feat"]), **kw)
            ci.created_at = make_dt(op["ca"])
            ci.last_edited_at = make_dt(op["la"])
            self.clss[op["k"]] = ci
            return "ok"
        if kind == "export":
            return row.to_encord_dict()
        if kind == "roundtrip":
            d = row.to_encord_dict()
            # A dict that does not load leaves the reference's row half loaded, labelrow's unchanged
            # (docs/compatibility.md): try it on a scratch row first so that both keep their row.
            new_row(lib, self.structure, self.p).from_labels_dict(json.loads(json.dumps(d)))
            row.from_labels_dict(d)
            by_hash = {o.object_hash: o for o in row.get_object_instances()}
            for i, o in list(self.objs.items()):
                self.objs[i] = by_hash.get(o.object_hash) if o is not None else None
            c_by_hash = {c.classification_hash: c for c in row.get_classification_instances()}
            for k, c in list(self.clss.items()):
                self.clss[k] = c_by_hash.get(c.classification_hash) if c is not None else None
            return "ok"
        if "i" in op:
            obj = self.objs.get(op["i"])
            if obj is None:
                return "skip"
        if "k" in op:
            ci = self.clss.get(op["k"])
            if ci is None:
                return "skip"
        if kind in ("set_frames", "fv_add_obj", "ann_set") and self.shadowed(obj):
            return "skip"
        if kind in ("set_frames", "fv_add_obj"):
            coords = make_coords(lib, self.structure, op["coords"])
            kw = _meta_kwargs(op["meta"])
            kw["overwrite"] = op["overwrite"]
            if kind == "fv_add_obj":
                if not obj.is_assigned_to_label_row() and self.ghost_twin(obj):
                    return "skip"
                self.clear_replaced(obj, True)
                row.get_frame_view(op["frame"]).add_object_instance(obj, coords, **kw)
            elif op.get("frames_default"):
                obj.set_for_frames(coords, **kw)
            else:
                have, n = obj.get_annotation_frames(), self.bound(obj)
                spec = self.atomic(op["frames"], lambda f: (f in have and not op["overwrite"]) or not 0 <= f < n)
                obj.set_for_frames(coords, make_frames(lib, spec), **kw)
            return "ok"
        if kind == "add_obj":
            if self.ghost_twin(obj):
                return "skip"
            self.clear_replaced(obj, op.get("force", True))
            if "force" in op:
                row.add_object_instance(obj, force=op["force"])
            else:
                row.add_object_instance(obj)
            return "ok"
        if kind in ("set_answer", "cls_set_answer") and self.foreign_checklist(op):
            return "skip"
        if kind == "set_answer":
            kw = {}
            if op["attr"] is not None:
                kw["attribute"] = self.get(op["attr"])
            if "frames" in op:
                n = self.bound(obj)
                kw["frames"] = make_frames(lib, self.atomic(op["frames"], lambda f: not 0 <= f < n))
            elif getattr(self.answer_attr(op, obj), "dynamic", False) and any(
                not 0 <= f < self.bound(obj) for f in obj.get_annotation_frames()
            ):
                # "All frames" is applied frame by frame; keep only the out-of-bounds ones so that the reference
                # fails before changing anything (labelrow checks first, docs/compatibility.md).
                n = self.bound(obj)
                kw["frames"] = sorted(f for f in obj.get_annotation_frames() if not 0 <= f < n)
            elif op["i"] in self.copies and getattr(self.answer_attr(op, obj), "dynamic", False):
                # The reference's copy() keeps answering "all frames" with the original's frames (a bug that
                # labelrow fixes, docs/compatibility.md): name the copy's own frames explicitly.
                kw["frames"] = sorted(obj.get_annotation_frames())
                if any(f >= self.row.number_of_frames for f in kw["frames"]):
                    return "skip"  # ... and checks them against the original's row
            if "overwrite" in op:
                kw["overwrite"] = op["overwrite"]
            if "manual" in op:
                kw["manual_annotation"] = op["manual"]
            obj.set_answer(make_answer(self.structure, op["ans"]), **kw)
            return "ok"
        if kind == "delete_answer":
            kw = {}
            if "filter_answer" in op:
                kw["filter_answer"] = make_answer(self.structure, op["filter_answer"])
            if "filter_frame" in op:
                kw["filter_frame"] = op["filter_frame"]
            obj.delete_answer(self.get(op["attr"]), **kw)
            return "ok"
        if kind == "remove_from_frames":
            have = obj.get_annotation_frames()
            obj.remove_from_frames(make_frames(lib, self.atomic(op["frames"], lambda f: f not in have)))
            return "ok"
        if kind == "remove_object":
            if any(o is not obj and o.object_hash == obj.object_hash for o in row.get_object_instances()):
                # Removing another instance's hash leaves that object's frames registered in the reference, which
                # then lists later objects of the hash on them; labelrow does not (docs/compatibility.md).
                return "skip"
            row.remove_object(obj)
            return "ok"
        if kind == "copy_obj":
            c = obj.copy()
            self.objs[op["j"]] = c
            self.copies.add(op["j"])
            self.copy_hashes[c.object_hash] = f"COPY-O{op['j']}"
            return "ok"
        if kind == "ann_set":
            ann = obj.get_annotation(op["frame"])
            field, v = op["field"], op["value"]
            if field == "coordinates":
                v = make_coords(lib, self.structure, v)
            elif field in ("created_at", "last_edited_at"):
                v = make_dt(v)
            setattr(ann, field, v)
            return "ok"
        if kind == "set_obj_number":
            obj.object_number = op["number"]
            return "ok"
        if kind in ("cls_set_frames", "fv_add_cls"):
            kw = _meta_kwargs(op["meta"])
            kw["overwrite"] = op["overwrite"]
            if kind == "fv_add_cls":
                row.get_frame_view(op["frame"]).add_classification_instance(ci, **kw)
            elif "frames" in op:
                spec = op["frames"]
                if not ci.is_assigned_to_label_row() and not ci.is_range_only() and not op["overwrite"]:
                    spec = self.atomic(spec, lambda f: ci.is_on_frame(f))
                elif ci.is_assigned_to_label_row() and not ci.is_range_only() and not ci.is_global():
                    n = self.row.number_of_frames
                    spec = self.atomic(spec, lambda f: not 0 <= f < n)
                ci.set_for_frames(make_frames(lib, spec), **kw)
            else:
                ci.set_for_frames(**kw)
            return "ok"
        if kind == "add_cls":
            if "force" in op:
                row.add_classification_instance(ci, force=op["force"])
            else:
                row.add_classification_instance(ci)
            return "ok"
        if kind == "cls_set_answer":
            kw = {}
            if op["attr"] is not None:
                kw["attribute"] = self.get(op["attr"])
            if "overwrite" in op:
                kw["overwrite"] = op["overwrite"]
            ci.set_answer(make_answer(self.structure, op["ans"]), **kw)
            return "ok"
        if kind == "cls_delete_answer":
            if op["attr"] is None:
                ci.delete_answer()
            else:
                ci.delete_answer(self.get(op["attr"]))
            return "ok"
        if kind == "remove_cls":
            row.remove_classification(ci)
            return "ok"
        if kind == "cls_remove_from_frames":
            spec = op["frames"]
            if not ci.is_range_only():
                spec = self.atomic(spec, lambda f: not ci.is_on_frame(f))
            ci.remove_from_frames(make_frames(lib, spec))
            return "ok"
        if kind == "cls_copy":
            c = ci.copy()
            self.clss[op["j"]] = c
            self.copy_hashes[c.classification_hash] = f"COPY-C{op['j']}"
            return "ok"
        if kind == "cls_meta_set":
            v = op["value"]
            if op["field"] == "created_at":
                v = make_dt(v)
            setattr(ci, op["field"], v)
            return "ok"
        raise AssertionError(kind)


def _try(lib: types.SimpleNamespace, fn) -> Any:
    try:
        return fn()
    except Exception as e:
        return err(lib, e)


def _onto_node(program: dict, feature_hash: str) -> dict:
    for node in program["ontology"]["objects"] + program["ontology"]["classifications"]:
        if node["featureNodeHash"] == feature_hash:
            return node
    raise KeyError(feature_hash)


def _object_report(lib, row, structure, program, obj) -> dict:
    def attached():
        r = obj.is_assigned_to_label_row()
        return None if r is None else ("this" if r is row else "other")

    rep: dict = {
        "hash": _try(lib, lambda: obj.object_hash),
        "feature": _try(lib, lambda: obj.feature_hash),
        "number": _try(lib, lambda: obj.object_number),
        "attached": _try(lib, attached),
        "frames": _try(lib, lambda: sorted(obj.get_annotation_frames())),
        "ranges": _try(lib, lambda: [[r.start, r.end] for r in obj.get_ranges()]),
    }

    def annotations():
        out = []
        for a in obj.get_annotations():
            out.append(
                [
                    a.frame,
                    _try(lib, lambda a=a: render_coords(a.coordinates)),
                    _try(lib, lambda a=a: render_dt(a.created_at)),
                    _try(lib, lambda a=a: a.created_by),
                    _try(lib, lambda a=a: render_dt(a.last_edited_at)),
                    _try(lib, lambda a=a: a.last_edited_by),
                    _try(lib, lambda a=a: a.confidence),
                    _try(lib, lambda a=a: a.manual_annotation),
                ]
            )
        return out

    rep["annotations"] = _try(lib, annotations)
    answers = {}
    for a, top in walk_attrs(_onto_node(program, obj.feature_hash).get("attributes", [])):
        attr = lookup(structure, a["featureNodeHash"])
        answers[a["featureNodeHash"]] = _try(lib, lambda attr=attr: render_answer(obj.get_answer(attr)))
        if a.get("dynamic") and top:
            answers[a["featureNodeHash"] + "@f0"] = _try(
                lib, lambda attr=attr: render_answer(obj.get_answer(attr, filter_frame=0, is_dynamic=True))
            )
    rep["answers"] = answers
    return rep


def _classification_report(lib, row, structure, program, ci) -> dict:
    def attached():
        r = ci.is_assigned_to_label_row()
        return None if r is None else ("this" if r is row else "other")

    rep = {
        "hash": _try(lib, lambda: ci.classification_hash),
        "feature": _try(lib, lambda: ci.feature_hash),
        "attached": _try(lib, attached),
        "range_list": _try(lib, lambda: [[r.start, r.end] for r in ci.range_list]),
        "global": _try(lib, ci.is_global),
        "range_only": _try(lib, ci.is_range_only),
        "created_at": _try(lib, lambda: render_dt(ci.created_at)),
        "created_by": _try(lib, lambda: ci.created_by),
        "last_edited_at": _try(lib, lambda: render_dt(ci.last_edited_at)),
        "last_edited_by": _try(lib, lambda: ci.last_edited_by),
        "confidence": _try(lib, lambda: ci.confidence),
        "manual_annotation": _try(lib, lambda: ci.manual_annotation),
        "annotation_frames": _try(lib, lambda: [a.frame for a in ci.get_annotations()]),
    }
    answers = {}
    for a, _ in walk_attrs(_onto_node(program, ci.feature_hash)["attributes"]):
        attr = lookup(structure, a["featureNodeHash"])
        answers[a["featureNodeHash"]] = _try(lib, lambda attr=attr: render_answer(ci.get_answer(attr)))
    rep["answers"] = answers
    return rep


def run_queries(lib: types.SimpleNamespace, row: Any, structure: Any, program: dict, objs=None, clss=None) -> dict:
    """Read-only queries on a row (``objs``/``clss``: extra instances to report, default: the row's)."""
    q = program["queries"]
    kind = program["media"]["kind"]
    out: dict = {}
    hashes = lambda xs: [x.object_hash for x in xs]  # noqa: E731
    chashes = lambda xs: [x.classification_hash for x in xs]  # noqa: E731

    props = {}
    for p in ("number_of_frames", "fps", "duration", "width", "height", "file_type", "data_link", "branch_name"):
        props[p] = _try(lib, lambda p=p: getattr(row, p))
    props["data_type"] = _try(lib, lambda: row.data_type.value)
    props["label_status"] = _try(lib, lambda: row.label_status.value)
    out["row"] = props

    frames = {}
    for f in q["frames"]:
        fv = _try(lib, lambda f=f: row.get_frame_view(f))
        if is_error(fv):
            frames[str(f)] = fv
            continue
        entry = {
            "objects": _try(lib, lambda fv=fv: hashes(fv.get_object_instances())),
            "classifications": _try(lib, lambda fv=fv: chashes(fv.get_classification_instances())),
            "width": _try(lib, lambda fv=fv: fv.width),
            "height": _try(lib, lambda fv=fv: fv.height),
        }
        if kind != "video":
            entry["image_hash"] = _try(lib, lambda fv=fv: fv.image_hash)
            entry["image_title"] = _try(lib, lambda fv=fv: fv.image_title)
            entry["file_type"] = _try(lib, lambda fv=fv: fv.file_type)
        frames[str(f)] = entry
    out["frame_views"] = frames
    out["all_frame_views"] = _try(lib, lambda: [fv.frame for fv in row.get_frame_views()])

    obj_filters = []
    for flt in q["obj_filters"]:
        kw = {}
        if "obj" in flt:
            kw["filter_ontology_object"] = lookup(structure, flt["obj"])
        if "frames" in flt:
            kw["filter_frames"] = make_frames(lib, flt["frames"])
        obj_filters.append(_try(lib, lambda kw=kw: hashes(row.get_object_instances(**kw))))
    out["object_filters"] = obj_filters
    cls_filters = []
    for flt in q["cls_filters"]:
        kw = {}
        if "cls" in flt:
            kw["filter_ontology_classification"] = lookup(structure, flt["cls"])
        if "frames" in flt:
            kw["filter_frames"] = make_frames(lib, flt["frames"])
        cls_filters.append(_try(lib, lambda kw=kw: chashes(row.get_classification_instances(**kw))))
    out["classification_filters"] = cls_filters

    if kind != "video":
        img = {}
        for f in q["frames"]:
            img[f"hash@{f}"] = _try(lib, lambda f=f: row.get_image_hash(f))
        for h in ["00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", "nope"]:
            img[f"frame@{h}"] = _try(lib, lambda h=h: row.get_frame_number(h))
            img[f"view@{h}"] = _try(lib, lambda h=h: row.get_frame_view(h).frame)
        out["images"] = img
    else:
        out["images"] = _try(lib, lambda: row.get_image_hash(0))

    if kind in program_medical.MEDICAL_KINDS:
        out["medical"] = program_medical.queries(lib, row, program, _try)
    row_objs = _try(lib, row.get_object_instances)
    out["row_objects"] = row_objs if is_error(row_objs) else hashes(row_objs)
    if is_error(row_objs):
        out["objects"] = row_objs
    else:
        seen = [o for o in (objs if objs is not None else row_objs)]
        out["objects"] = [_object_report(lib, row, structure, program, o) for o in seen]
    row_cls = _try(lib, row.get_classification_instances)
    out["row_classifications"] = row_cls if is_error(row_cls) else chashes(row_cls)
    if is_error(row_cls):
        out["classifications"] = row_cls
    else:
        seen = [c for c in (clss if clss is not None else row_cls)]
        out["classifications"] = [_classification_report(lib, row, structure, program, c) for c in seen]
    return out


def _substitute(result: Any, subs: dict[str, str]) -> Any:
    if not subs:
        return result
    s = json.dumps(result)
    for h, placeholder in subs.items():
        s = s.replace(json.dumps(h), json.dumps(placeholder))
    return json.loads(s)


def run_program(lib: types.SimpleNamespace, program: dict) -> dict:
    """Interpret ``program`` against ``lib``; return plain data (see module docstring)."""
    it = _Interp(lib, program)
    outcomes = []
    for op in program["ops"]:
        try:
            outcomes.append(it.run_op(op))
        except Exception as e:
            outcomes.append(err(lib, e))
    result = {
        "ontology": it.structure.to_dict(),
        "ops": outcomes,
        "dict": _try(lib, it.row.to_encord_dict),
        "queries": run_queries(
            lib,
            it.row,
            it.structure,
            program,
            objs=[it.objs[i] for i in sorted(it.objs) if it.objs[i] is not None],
            clss=[it.clss[k] for k in sorted(it.clss) if it.clss[k] is not None],
        ),
    }
    return _substitute(result, it.copy_hashes)


def parse_and_export(lib: types.SimpleNamespace, program: dict, label_dict: dict, with_queries: bool = True) -> dict:
    """Load ``label_dict`` into a fresh row of ``lib`` (same ontology/media) and export it again."""
    structure = build_ontology(lib, program["ontology"], program["build"])
    row = new_row(lib, structure, program)
    loaded = _try(lib, lambda: row.from_labels_dict(json.loads(json.dumps(label_dict))))
    if is_error(loaded):
        # The reference leaves a partially loaded row behind; labelrow keeps the row as it was (documented).
        return {"load": loaded}
    out = {"load": "ok", "dict": _try(lib, row.to_encord_dict)}
    if with_queries and not is_error(loaded):
        out["queries"] = run_queries(lib, row, structure, program)
    return out


def find_now_timestamps(x: Any, path: str = "$") -> list[str]:
    """Date strings in ``x`` that cannot come from the program's explicit datetimes (2024 only)."""
    bad = []
    if isinstance(x, dict):
        for k, v in x.items():
            bad += find_now_timestamps(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            bad += find_now_timestamps(v, f"{path}[{i}]")
    elif isinstance(x, str):
        m = DATE_RE.match(x)
        if (m and m.group(1) != "2024") or (re.match(r"^\d{4}-\d\d-\d\dT", x) and not x.startswith("2024-")):
            bad.append(f"{path}={x}")
    return bad


def check_program(prog: dict, head: str = "") -> str | None:
    """Run ``prog`` on both libraries; None when they agree, else a report (see test_api_programs.py)."""
    ref, ours = load_lib("encord"), load_lib("labelrow")
    r = run_program(ref, prog)
    now = find_now_timestamps(r)
    if now:
        return f"{head}\nHARNESS BUG: the reference's result holds non-explicit timestamps: {now[:5]}"
    o = run_program(ours, prog)
    rep = compare_results(r, o)
    if rep is not None:
        extra = ""
        if not is_error(o["dict"]) and not is_error(r["dict"]):
            a = parse_and_export(ref, prog, r["dict"], with_queries=False)
            b = parse_and_export(ref, prog, o["dict"], with_queries=False)
            if dumps(a) == dumps(b):
                extra = "(c) after loading both dicts into fresh reference rows and re-exporting, they are EQUAL"
            else:
                extra = "(c) labelrow's dict still differs after a reference round trip:\n" + (
                    compare_results(a, b) or ""
                )
        return f"{head}\n(a) API program results differ\n{rep}\n{extra}"
    if is_error(r["dict"]):
        return None
    rb = parse_and_export(ref, prog, r["dict"])
    ob = parse_and_export(ours, prog, r["dict"])
    rep = compare_results(rb, ob)
    if rep is not None:
        return (
            f"{head}\n(b) the reference's dict loaded into labelrow differs from the reference's own round trip\n{rep}"
        )
    return None


if __name__ == "__main__":  # pragma: no cover - debugging aid
    import sys

    args = sys.argv[1:]
    if not args or args[0] not in ("--show", "--diff", "--ref"):
        print("usage: program.py --show SEED | --ref SEED | --diff SEED  (SEED may be KIND:SEED, KIND dicom/nifti/pdf)")
        sys.exit(2)
    kind, _, seed_text = args[1].rpartition(":")
    seed = int(seed_text)
    prog = gen_program(seed, kind or None)
    if args[0] == "--show":
        print(json.dumps(prog, indent=1))
    elif args[0] == "--ref":
        print(json.dumps(run_program(load_lib("encord"), prog), indent=1))
    else:
        print(check_program(prog, f"seed {seed}") or f"seed {seed}: libraries agree")
