"""Seeded generators of large label rows for the side-by-side benchmarks (``benches/run.py``).

Every profile is built directly as plain dicts in the label-row format (``/work/shared/spec/label-row.md``),
never through either library's API, so half a million annotations take seconds to generate. The dicts are
in the reference's canonical output form (key order, reversed answer order, datetime strings), so
``from_labels_dict(d); to_encord_dict()`` gives back ``d`` apart from the order of ``object_actions``.

``generate(profile, scale, seed)`` returns a :class:`Generated` (ontology dict, media description, label
dict). ``scale`` multiplies the number of frames / images (and of short tracks) so the smoke test can use
tiny rows. ``api_plan(gen)`` turns a generated row into a compact list of calls for building the same row
through the per-frame API.

Every 2D/3D shape is represented (bounding box, rotatable box, polygon, polyline, point, bitmask, skeleton,
circle, ellipse, cuboid_2d, cuboid), every object carries static radio (with a nested text), checklist,
text and numeric answers plus a dynamic radio answered over frame ranges, and the row has frame-range
classifications of every attribute kind and one global classification.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
DATE_FORMAT = "%a, %d %b %Y %H:%M:%S UTC"

#: ontology shape, object name, frame-entry geometry key(s)
SHAPES: list[tuple[str, str]] = [
    ("bounding_box", "Car"),
    ("rotatable_bounding_box", "Road Sign"),
    ("polygon", "Drivable Area"),
    ("polyline", "Lane Line"),
    ("point", "Key Point"),
    ("bitmask", "Mask"),
    ("skeleton", "Person Pose"),
    ("circle", "Wheel"),
    ("ellipse", "Blob"),
    ("cuboid_2d", "Box 2D"),
    ("cuboid", "Box 3D"),
]
SHAPE_NAMES = [s for s, _ in SHAPES]
#: extra tracks / image objects beyond one per shape: the common shapes dominate real rows
COMMON_SHAPES = ["bounding_box", "bounding_box", "bounding_box", "polygon", "polygon", "polyline", "point", "skeleton"]

EMAILS = ["ann@example.com", "bob@example.com", "chen@example.com", "dana@example.com"]
TEXTS = ["parked", "partly hidden by a tree", "ünïcode ✓", "", "reviewed twice"]
SKELETON_POINTS = [("head", "#FF0000"), ("hip", "#00FF00"), ("foot", "#0000FF")]


@dataclass(frozen=True)
class Profile:
    """A row size: ``kind`` video (``frames`` x ``tracks``) or img_group (``images`` x ``per_image``)."""

    kind: str
    frames: int = 0
    tracks: int = 0
    short: bool = False
    images: int = 0
    per_image: int = 0
    description: str = ""


PROFILES: dict[str, Profile] = {
    "video_5k_x20": Profile("video", frames=5000, tracks=20, description="video 5,000 frames x 20 tracks"),
    "video_20k_x25": Profile("video", frames=20000, tracks=25, description="video 20,000 frames x 25 tracks"),
    "video_5k_x1000_short": Profile(
        "video", frames=5000, tracks=1000, short=True, description="video 5,000 frames x 1,000 short tracks"
    ),
    "img_group_250": Profile("img_group", images=250, per_image=15, description="image group 250 x 15 objects"),
    "img_group_500": Profile("img_group", images=500, per_image=15, description="image group 500 x 15 objects"),
    "img_group_2000": Profile("img_group", images=2000, per_image=15, description="image group 2,000 x 15 objects"),
}


@dataclass
class Generated:
    """One generated row: everything needed to load it into either library."""

    profile: str
    ontology: dict
    #: ``{"kind": "video", "kwargs": {...}}`` or ``{"kind": "img_group", "images": [kwargs, ...]}``; the kwargs
    #: are those of ``CustomerProvidedVideoMetadata`` / ``CustomerProvidedImageMetadata``
    media: dict
    labels: dict
    n_frames: int
    n_annotations: int
    n_objects: int
    n_classifications: int
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# ontology
# ---------------------------------------------------------------------------------------------------------------


def _value(name: str) -> str:
    return name.lower().replace(" ", "_")


def _option(path: str, label: str, h: str, nested: list[dict] | None = None) -> dict:
    o = {"id": path, "label": label, "value": _value(label), "featureNodeHash": h, "archived": False}
    if nested:
        o["options"] = nested
    return o


def _attr(path: str, name: str, typ: str, h: str, options: list[dict] | None = None, dynamic: bool = False) -> dict:
    a = {
        "id": path,
        "name": name,
        "type": typ,
        "featureNodeHash": h,
        "required": False,
        "archived": False,
        "dynamic": dynamic,
    }
    if options:
        a["options"] = options
    return a


def make_ontology() -> dict:
    """The benchmark ontology (deterministic hashes): one object per shape, each with every answer kind."""
    objects = []
    palette = ["#D33115", "#E27300", "#16406C", "#FE9200", "#FCDC00", "#DBDF00", "#A4DD00", "#68CCCA", "#73D8FF"]
    for uid, (shape, name) in enumerate(SHAPES, start=1):
        p = f"{uid:02d}"
        attrs = [
            _attr(
                f"{uid}.1",
                "Colour",
                "radio",
                f"col{p}att",
                [
                    _option(
                        f"{uid}.1.1",
                        "Red",
                        f"col{p}red",
                        [_attr(f"{uid}.1.1.1", "Shade note", "text", f"shd{p}txt")],
                    ),
                    _option(f"{uid}.1.2", "Dark Blue", f"col{p}blu"),
                    _option(f"{uid}.1.3", "Green", f"col{p}grn"),
                ],
            ),
            _attr(
                f"{uid}.2",
                "Visible",
                "radio",
                f"vis{p}att",
                [
                    _option(f"{uid}.2.1", "Yes", f"vis{p}yes"),
                    _option(f"{uid}.2.2", "No", f"vis{p}no0"),
                    _option(f"{uid}.2.3", "Partly", f"vis{p}prt"),
                ],
                dynamic=True,
            ),
            _attr(
                f"{uid}.3",
                "Flags",
                "checklist",
                f"flg{p}att",
                [
                    _option(f"{uid}.3.1", "Occluded", f"flg{p}occ"),
                    _option(f"{uid}.3.2", "Truncated", f"flg{p}trn"),
                    _option(f"{uid}.3.3", "Blurred", f"flg{p}blr"),
                ],
            ),
            _attr(f"{uid}.4", "Note", "text", f"not{p}txt"),
            _attr(f"{uid}.5", "Score", "numeric", f"scr{p}num"),
        ]
        objects.append(
            {
                "id": str(uid),
                "name": name,
                "color": palette[uid % len(palette)],
                "shape": shape,
                "featureNodeHash": f"obj{p}{shape[:3]}",
                "required": False,
                "archived": False,
                "attributes": attrs,
            }
        )
    skeleton_hash = next(o["featureNodeHash"] for o in objects if o["shape"] == "skeleton")
    template = {
        "name": "Body",
        "width": 0.5,
        "height": 0.75,
        "skeleton": {
            str(k): {
                "x": round(0.1 + 0.3 * k, 3),
                "y": round(0.2 + 0.25 * k, 3),
                "name": nm,
                "color": col,
                "value": nm,
                "featureHash": f"skp{k:02d}{nm[:3]}",
            }
            for k, (nm, col) in enumerate(SKELETON_POINTS)
        },
        "skeletonEdges": {"0": {"1": {"color": "#FF0000"}}, "1": {"2": {"color": "#FF0000"}}},
        "feature_node_hash": skeleton_hash,
        "shape": "skeleton",
    }
    classifications = [
        {
            "id": "1",
            "featureNodeHash": "clsweath",
            "attributes": [
                _attr(
                    "1.1",
                    "Weather",
                    "radio",
                    "wthatt01",
                    [
                        _option("1.1.1", "Sunny", "wthsun01"),
                        _option("1.1.2", "Rain", "wthrai01"),
                        _option("1.1.3", "Fog", "wthfog01"),
                    ],
                )
            ],
        },
        {
            "id": "2",
            "featureNodeHash": "clstags0",
            "attributes": [
                _attr(
                    "2.1",
                    "Tags",
                    "checklist",
                    "tagatt01",
                    [
                        _option("2.1.1", "Night", "tagngt01"),
                        _option("2.1.2", "Crowded", "tagcrw01"),
                        _option("2.1.3", "Indoor", "tagind01"),
                    ],
                )
            ],
        },
        {"id": "3", "featureNodeHash": "clscapt0", "attributes": [_attr("3.1", "Caption", "text", "capatt01")]},
        {"id": "4", "featureNodeHash": "clscount", "attributes": [_attr("4.1", "Count", "numeric", "cntatt01")]},
        {
            "id": "5",
            "featureNodeHash": "clsqualt",
            "level": "global",
            "attributes": [
                _attr(
                    "5.1",
                    "Quality",
                    "radio",
                    "qltatt01",
                    [_option("5.1.1", "Good", "qltgoo01"), _option("5.1.2", "Bad", "qltbad01")],
                )
            ],
        },
    ]
    return {"objects": objects, "classifications": classifications, "skeleton_templates": [{"template": template}]}


# ---------------------------------------------------------------------------------------------------------------
# answers
# ---------------------------------------------------------------------------------------------------------------


def _opt_entry(o: dict) -> dict:
    return {"name": o["label"], "value": o["value"], "featureHash": o["featureNodeHash"]}


def _static_entry(a: dict, answers: Any) -> dict:
    return {
        "name": a["name"],
        "value": _value(a["name"]),
        "answers": answers,
        "featureHash": a["featureNodeHash"],
        "manualAnnotation": True,
    }


def _object_static_answers(rng: np.random.Generator, obj: dict) -> list[dict]:
    """Static answers in output order (reversed slot order: Score, Note, Flags, Shade note, Colour)."""
    colour, _visible, flags, note, score = obj["attributes"]
    out = []
    if rng.random() < 0.6:
        out.append(_static_entry(score, int(rng.integers(0, 100)) if rng.random() < 0.5 else round(rng.random(), 3)))
    if rng.random() < 0.5:
        out.append(_static_entry(note, TEXTS[int(rng.integers(len(TEXTS)))]))
    if rng.random() < 0.7:
        picked = [o for o in flags["options"] if rng.random() < 0.5]
        out.append(_static_entry(flags, [_opt_entry(o) for o in picked]))
    opt = colour["options"][int(rng.integers(3))]
    if opt["label"] == "Red" and rng.random() < 0.5:
        out.append(_static_entry(opt["options"][0], "dark red"))
    out.append(_static_entry(colour, [_opt_entry(opt)]))
    return out


def _dynamic_actions(rng: np.random.Generator, obj: dict, start: int, end: int) -> list[dict]:
    """Dynamic ``Visible`` answers over 1-3 consecutive segments of ``[start, end]``."""
    visible = obj["attributes"][1]
    n_seg = min(int(rng.integers(1, 4)), end - start + 1)
    cuts = []
    if n_seg > 1:
        cuts = sorted(rng.choice(np.arange(start + 1, end + 1), size=n_seg - 1, replace=False).tolist())
    bounds = [start, *cuts, end + 1]
    per_option: dict[int, list[list[int]]] = {}
    order: list[int] = []
    for s, e in itertools.pairwise(bounds):
        k = int(rng.integers(3))
        if k not in per_option:
            per_option[k] = []
            order.append(k)
        ranges = per_option[k]
        if ranges and ranges[-1][1] == s - 1:
            ranges[-1][1] = e - 1
        else:
            ranges.append([s, e - 1])
    out = []
    for k in reversed(order):  # output order = reverse of insertion
        o = visible["options"][k]
        out.append(
            {
                "name": visible["name"],
                "value": _value(visible["name"]),
                "featureHash": visible["featureNodeHash"],
                "answers": [_opt_entry(o)],
                "manualAnnotation": True,
                "dynamic": True,
                "range": per_option[k],
                "shouldPropagate": False,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------------------------

_MASKS: dict[tuple[int, int, int], list[str]] = {}


def mask_pool(width: int, height: int, seed: int = 0, n: int = 8) -> list[str]:
    """``n`` RLE strings of small blob masks of a ``width`` x ``height`` frame (encoded with labelrow's core)."""
    key = (width, height, seed)
    if key not in _MASKS:
        from labelrow._core import rle_encode

        _MASKS[key] = [rle_encode(m) for m in random_masks(width, height, n, seed)]
    return _MASKS[key]


def random_masks(width: int, height: int, n: int, seed: int = 0, max_frac: float = 0.25) -> list[np.ndarray]:
    """``n`` boolean masks, each one or two ellipses covering up to ``max_frac`` of each side."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    out = []
    for _ in range(n):
        m = np.zeros((height, width), dtype=bool)
        for _ in range(int(rng.integers(1, 3))):
            cx, cy = rng.uniform(0, width), rng.uniform(0, height)
            rx = max(1.0, rng.uniform(0.03, max_frac) * width)
            ry = max(1.0, rng.uniform(0.03, max_frac) * height)
            m |= ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0
        out.append(m)
    return out


def _walk(rng: np.random.Generator, n: int, k: int, lo: float = 0.05, hi: float = 0.9) -> np.ndarray:
    """``n`` x ``k`` smoothly drifting values in ``[lo, hi]``, rounded to 4 decimals."""
    base = rng.uniform(lo, hi, size=k)
    steps = rng.normal(0.0, 0.002, size=(n, k)).cumsum(axis=0)
    return np.clip(base + steps, lo, hi).round(4)


def _points(xs: list[float], ys: list[float]) -> dict:
    return {str(i): {"x": x, "y": y} for i, (x, y) in enumerate(zip(xs, ys))}


def track_geometry(rng: np.random.Generator, shape: str, n: int, size: tuple[int, int], mask_seed: int) -> list[dict]:
    """``n`` frame-entry geometry dicts (the shape-specific keys of a frame object) for one track."""
    if shape == "bounding_box":
        v = _walk(rng, n, 4).tolist()
        return [{"boundingBox": {"h": a[0] / 4, "w": a[1] / 4, "x": a[2], "y": a[3]}} for a in v]
    if shape == "rotatable_bounding_box":
        v = _walk(rng, n, 4).tolist()
        th = float(rng.choice([0.0, 12.5, 45.0, -30.0]))
        return [{"rotatableBoundingBox": {"h": a[0] / 4, "w": a[1] / 4, "x": a[2], "y": a[3], "theta": th}} for a in v]
    if shape == "polygon":
        k = int(rng.integers(4, 9))
        v = _walk(rng, n, 2 * k).tolist()
        out = []
        for a in v:
            xs, ys = a[0::2], a[1::2]
            out.append({"polygon": _points(xs, ys), "polygons": [[a]]})
        return out
    if shape == "polyline":
        k = int(rng.integers(2, 6))
        v = _walk(rng, n, 2 * k).tolist()
        return [{"polyline": _points(a[0::2], a[1::2])} for a in v]
    if shape == "point":
        v = _walk(rng, n, 2).tolist()
        return [{"point": {"0": {"x": a[0], "y": a[1]}}} for a in v]
    if shape == "bitmask":
        w, h = size
        pool = mask_pool(w, h, mask_seed)
        idx = rng.integers(len(pool), size=n).tolist()
        return [{"bitmask": {"top": 0, "left": 0, "height": h, "width": w, "rleString": pool[i]}} for i in idx]
    if shape == "skeleton":
        v = _walk(rng, n, 2 * len(SKELETON_POINTS)).tolist()
        vis = rng.integers(0, 6, size=n).tolist()
        out = []
        for a, vi in zip(v, vis):
            pts = {}
            for k, (nm, col) in enumerate(SKELETON_POINTS):
                p = {"x": a[2 * k], "y": a[2 * k + 1], "name": nm, "color": col, "featureHash": f"skp{k:02d}{nm[:3]}"}
                p["value"] = nm
                if k == 2 and vi < 2:
                    p["visibility"] = "occluded" if vi == 0 else "invisible"
                pts[str(k)] = p
            out.append({"skeleton": pts})
        return out
    if shape == "circle":
        v = _walk(rng, n, 3).tolist()
        return [{"circle": {"x": a[0], "y": a[1], "r": a[2] / 5, "stretch": 1.0, "theta": 0.0}} for a in v]
    if shape == "ellipse":
        v = _walk(rng, n, 4).tolist()
        th = float(rng.choice([0.0, 15.0]))
        return [{"ellipse": {"x": a[0], "y": a[1], "rx": a[2] / 5, "ry": a[3] / 5, "theta": th}} for a in v]
    if shape == "cuboid_2d":
        v = _walk(rng, n, 10).tolist()
        return [{"cuboid_2d": {"front": a[:8], "vanishingPoint": {"x": a[8], "y": a[9]}, "scaleRatio": 0.8}} for a in v]
    if shape == "cuboid":
        v = _walk(rng, n, 9, -2.0, 2.0).tolist()
        return [{"cuboid": {"position": a[0:3], "orientation": a[3:6], "size": [abs(x) for x in a[6:9]]}} for a in v]
    raise ValueError(shape)


# ---------------------------------------------------------------------------------------------------------------
# rows
# ---------------------------------------------------------------------------------------------------------------

_T0 = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)


def date_pool(n: int = 512) -> list[str]:
    return [(_T0 + timedelta(seconds=97 * i)).strftime(DATE_FORMAT) for i in range(n)]


class _Meta:
    """Per-annotation metadata drawn from small pools (vectorised per track)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.dates = date_pool()

    def entries(self, n: int) -> list[tuple]:
        r = self.rng
        ca = r.integers(0, len(self.dates), size=n).tolist()
        dl = r.integers(0, 8, size=n).tolist()
        cb = r.integers(0, len(EMAILS) + 1, size=n).tolist()
        lb = r.integers(0, 2 * len(EMAILS), size=n).tolist()
        conf = np.where(r.random(n) < 0.8, 1.0, r.random(n).round(3)).tolist()
        man = (r.random(n) < 0.9).tolist()
        out = []
        for i in range(n):
            c = ca[i]
            out.append(
                (
                    self.dates[c],
                    EMAILS[cb[i]] if cb[i] < len(EMAILS) else None,
                    conf[i],
                    man[i],
                    self.dates[min(len(self.dates) - 1, c + dl[i])],
                    EMAILS[lb[i]] if lb[i] < len(EMAILS) else None,
                )
            )
        return out


def _frame_entry(obj: dict, object_hash: str, meta: tuple, geometry: dict) -> dict:
    e = {
        "name": obj["name"],
        "color": obj["color"],
        "shape": obj["shape"],
        "value": _value(obj["name"]),
        "createdAt": meta[0],
        "createdBy": meta[1],
        "confidence": meta[2],
        "objectHash": object_hash,
        "featureHash": obj["featureNodeHash"],
        "manualAnnotation": meta[3],
        "lastEditedAt": meta[4],
    }
    if meta[5] is not None:
        e["lastEditedBy"] = meta[5]
    e.update(geometry)
    return e


def _object_hash(rng: np.random.Generator) -> str:
    return "".join(chr(c) for c in rng.choice(np.frombuffer(b"ABCDEFGHabcdefgh0123456789+/", dtype=np.uint8), 8))


def _segments(rng: np.random.Generator, n: int, k: int) -> list[list[int]]:
    """``k`` disjoint, non-empty inclusive ranges inside ``[0, n)`` (with gaps where there is room)."""
    k = max(1, min(k, n))
    edges = np.linspace(0, n, k + 1).astype(int).tolist()
    out = []
    for s, e in itertools.pairwise(edges):
        if e <= s:
            continue
        end = e - 1 - (int(rng.integers(0, (e - s) // 4 + 1)) if e - s > 4 else 0)
        out.append([s, end])
    return out


def _classifications(rng: np.random.Generator, onto: dict, n: int, meta: _Meta) -> dict:
    out: dict[str, dict] = {}
    counts = {"clsweath": 8, "clstags0": 4, "clscapt0": 3, "clscount": 3}
    for c in onto["classifications"]:
        a = c["attributes"][0]
        ranges = [[]] if c.get("level") == "global" else [[r] for r in _segments(rng, n, counts[c["featureNodeHash"]])]
        for rs in ranges:
            if a["type"] == "radio":
                ans: Any = [_opt_entry(a["options"][int(rng.integers(len(a["options"])))])]
            elif a["type"] == "checklist":
                ans = [_opt_entry(o) for o in a["options"] if rng.random() < 0.5]
            elif a["type"] == "text":
                ans = TEXTS[int(rng.integers(len(TEXTS)))]
            else:
                ans = int(rng.integers(0, 50))
            h = _object_hash(rng)
            m = meta.entries(1)[0]
            out[h] = {
                "classifications": [_static_entry(a, ans)],
                "classificationHash": h,
                "featureHash": c["featureNodeHash"],
                "spaces": {},
                "range": rs,
                "createdBy": m[1],
                "createdAt": m[0],
                "lastEditedBy": m[5],
                "lastEditedAt": m[4],
                "confidence": m[2],
                "manualAnnotation": m[3],
            }
    return out


def _header(data_type: str, object_answers: dict, classification_answers: dict, object_actions: dict) -> dict:
    return {
        "label_hash": ZERO_UUID,
        "branch_name": "main",
        "created_at": "Mon, 04 Mar 2024 05:06:07 UTC",
        "last_edited_at": "Tue, 05 Mar 2024 08:09:10 UTC",
        "data_hash": ZERO_UUID,
        "dataset_hash": ZERO_UUID,
        "dataset_title": "bench dataset",
        "data_title": "bench row",
        "data_type": data_type,
        "annotation_task_status": "QUEUED",
        "is_shadow_data": False,
        "object_answers": object_answers,
        "classification_answers": classification_answers,
        "object_actions": object_actions,
        "label_status": "LABEL_IN_PROGRESS",
    }


def _track_shapes(rng: np.random.Generator, n: int) -> list[str]:
    """One track per shape first, then common shapes; bitmask at most once per 20 tracks (masks are big)."""
    shapes = list(SHAPE_NAMES[:n])
    while len(shapes) < n:
        if len(shapes) % 20 == 5:
            shapes.append("bitmask")
        else:
            shapes.append(COMMON_SHAPES[int(rng.integers(len(COMMON_SHAPES)))])
    return shapes


def _gen_video(name: str, p: Profile, scale: float, seed: int) -> Generated:
    rng = np.random.default_rng(seed)
    onto = make_ontology()
    by_shape = {o["shape"]: o for o in onto["objects"]}
    n = max(10, round(p.frames * scale))
    fps, width, height = 25.0, 640, 360
    meta = _Meta(rng)
    n_tracks = max(len(SHAPES), round(p.tracks * scale)) if p.short else p.tracks
    frames: dict[int, list[dict]] = {}
    object_answers, object_actions = {}, {}
    n_ann = 0
    for i, shape in enumerate(_track_shapes(rng, n_tracks)):
        obj = by_shape[shape]
        if p.short:
            length = min(n, int(rng.integers(10, 91)))
            start = int(rng.integers(0, n - length + 1))
        else:
            start = int(rng.integers(0, max(1, n // 50)))
            length = n - start - int(rng.integers(0, max(1, n // 50)))
        h = _object_hash(rng)
        geoms = track_geometry(rng, shape, length, (width, height), seed)
        for k, (m, g) in enumerate(zip(meta.entries(length), geoms)):
            frames.setdefault(start + k, []).append(_frame_entry(obj, h, m, g))
        n_ann += length
        object_answers[h] = {
            "classifications": _object_static_answers(rng, obj),
            "objectHash": h,
            "objectNumber": i + 1,
        }
        object_actions[h] = {"actions": _dynamic_actions(rng, obj, start, start + length - 1), "objectHash": h}
    classification_answers = _classifications(rng, onto, n, meta)
    labels = {str(f): {"objects": frames[f], "classifications": []} for f in sorted(frames)}
    d = _header("video", object_answers, classification_answers, object_actions)
    d["data_units"] = {
        ZERO_UUID: {
            "data_hash": ZERO_UUID,
            "data_title": "bench row",
            "data_link": "",
            "data_type": "video/mp4",
            "data_sequence": 0,
            "width": width,
            "height": height,
            "labels": labels,
            "data_duration": n / fps,
            "data_fps": fps,
        }
    }
    d["spaces"] = {}
    media = {
        "kind": "video",
        "kwargs": {
            "fps": fps,
            "duration": n / fps,
            "width": width,
            "height": height,
            "file_size": 10**8,
            "mime_type": "video/mp4",
        },
    }
    return Generated(name, onto, media, d, n, n_ann, len(object_answers), len(classification_answers))


IMAGE_SIZES = [(640, 480, "image/jpeg"), (480, 640, "image/png"), (800, 600, "image/jpeg")]


def _gen_img_group(name: str, p: Profile, scale: float, seed: int) -> Generated:
    rng = np.random.default_rng(seed)
    onto = make_ontology()
    by_shape = {o["shape"]: o for o in onto["objects"]}
    n = max(2, round(p.images * scale))
    meta = _Meta(rng)
    units, object_answers, object_actions = {}, {}, {}
    images = []
    n_ann = 0
    number = 0
    for i in range(n):
        w, h, mime = IMAGE_SIZES[int(rng.integers(len(IMAGE_SIZES)))]
        images.append({"mime_type": mime, "file_size": 10**6 + i, "height": h, "width": w})
        shapes = [SHAPE_NAMES[(i * p.per_image + k) % len(SHAPE_NAMES)] for k in range(p.per_image // 3)]
        shapes += [COMMON_SHAPES[int(rng.integers(len(COMMON_SHAPES)))] for _ in range(p.per_image - len(shapes))]
        objs = []
        for shape, m in zip(shapes, meta.entries(len(shapes))):
            obj = by_shape[shape]
            oh = _object_hash(rng)
            objs.append(_frame_entry(obj, oh, m, track_geometry(rng, shape, 1, (w, h), seed)[0]))
            number += 1
            object_answers[oh] = {
                "classifications": _object_static_answers(rng, obj),
                "objectHash": oh,
                "objectNumber": number,
            }
            if rng.random() < 0.3:
                object_actions[oh] = {"actions": _dynamic_actions(rng, obj, i, i), "objectHash": oh}
        n_ann += len(objs)
        dh = str(uuid.UUID(int=i))
        units[dh] = {
            "data_hash": dh,
            "data_title": f"frame_{i}",
            "data_link": "",
            "data_type": mime,
            "data_sequence": str(i),
            "width": w,
            "height": h,
            "labels": {"objects": objs, "classifications": []},
        }
    classification_answers = _classifications(rng, onto, n, meta)
    d = _header("img_group", object_answers, classification_answers, object_actions)
    d["data_units"] = units
    d["spaces"] = {}
    media = {"kind": "img_group", "images": images}
    return Generated(name, onto, media, d, n, n_ann, len(object_answers), len(classification_answers))


def generate(profile: str, scale: float = 1.0, seed: int = 0) -> Generated:
    """The row of ``profile`` (a key of :data:`PROFILES`) at ``scale``, from ``seed``."""
    p = PROFILES[profile]
    if p.kind == "video":
        return _gen_video(profile, p, scale, seed)
    return _gen_img_group(profile, p, scale, seed)


# ---------------------------------------------------------------------------------------------------------------
# per-frame API plan
# ---------------------------------------------------------------------------------------------------------------


def _coord_args(shape: str, e: dict) -> tuple:
    """Compact constructor arguments of a frame entry's geometry (interpreted by ``run.make_coords``)."""
    if shape == "bounding_box":
        b = e["boundingBox"]
        return (b["h"], b["w"], b["x"], b["y"])
    if shape == "rotatable_bounding_box":
        b = e["rotatableBoundingBox"]
        return (b["h"], b["w"], b["x"], b["y"], b["theta"])
    if shape == "polygon":
        return tuple(e["polygons"][0][0])
    if shape in ("polyline", "point"):
        pts = e[shape]
        return tuple(v for k in sorted(pts, key=int) for v in (pts[k]["x"], pts[k]["y"]))
    if shape == "bitmask":
        b = e["bitmask"]
        return (b["rleString"], b["height"], b["width"])
    if shape == "skeleton":
        return tuple((p["x"], p["y"], p["name"], p.get("visibility")) for p in e["skeleton"].values())
    if shape == "circle":
        c = e["circle"]
        return (c["x"], c["y"], c["r"], c["stretch"], c["theta"])
    if shape == "ellipse":
        c = e["ellipse"]
        return (c["x"], c["y"], c["rx"], c["ry"], c["theta"])
    if shape == "cuboid_2d":
        c = e["cuboid_2d"]
        return (tuple(c["front"]), c["vanishingPoint"]["x"], c["vanishingPoint"]["y"], c["scaleRatio"])
    if shape == "cuboid":
        c = e["cuboid"]
        return (tuple(c["position"]), tuple(c["orientation"]), tuple(c["size"]))
    raise ValueError(shape)


def _parse_date(s: str) -> datetime:
    return datetime.strptime(s, DATE_FORMAT).replace(tzinfo=UTC)


@dataclass
class PlanObject:
    feature_hash: str
    object_hash: str
    shape: str
    #: (frame, coordinate args, created_at, created_by, confidence, manual, last_edited_at, last_edited_by)
    frames: list[tuple] = field(default_factory=list)
    #: (attribute hash, answer): option hash / list of option hashes / str / number, in slot order
    static: list[tuple[str, Any]] = field(default_factory=list)
    #: (attribute hash, option hash, [(start, end), ...]) in insertion order
    dynamic: list[tuple[str, str, list[tuple[int, int]]]] = field(default_factory=list)


@dataclass
class PlanClassification:
    feature_hash: str
    classification_hash: str
    ranges: list[tuple[int, int]]
    meta: tuple
    answer: tuple[str, Any]


@dataclass
class Plan:
    objects: list[PlanObject]
    classifications: list[PlanClassification]


def _plain_answer(a: Any) -> Any:
    if isinstance(a, list):
        return [o["featureHash"] for o in a]
    return a


def api_plan(gen: Generated) -> Plan:
    """The calls that build ``gen.labels`` through the per-frame API (objects in row order)."""
    dates: dict[str, datetime] = {}

    def dt(s: str) -> datetime:
        v = dates.get(s)
        if v is None:
            v = dates[s] = _parse_date(s)
        return v

    radio_attrs = {
        a["featureNodeHash"]
        for o in gen.ontology["objects"] + gen.ontology["classifications"]
        for a in _walk_attrs(o.get("attributes", []))
        if a["type"] == "radio"
    }
    objects: dict[str, PlanObject] = {}
    units = sorted(gen.labels["data_units"].values(), key=lambda u: int(u["data_sequence"]))
    for u in units:
        if gen.media["kind"] == "video":
            per_frame = [(int(f), v["objects"]) for f, v in u["labels"].items()]
        else:
            per_frame = [(int(u["data_sequence"]), u["labels"]["objects"])]
        for f, objs in per_frame:
            for e in objs:
                po = objects.get(e["objectHash"])
                if po is None:
                    po = objects[e["objectHash"]] = PlanObject(e["featureHash"], e["objectHash"], e["shape"])
                po.frames.append(
                    (
                        f,
                        _coord_args(e["shape"], e),
                        dt(e["createdAt"]),
                        e["createdBy"],
                        e["confidence"],
                        e["manualAnnotation"],
                        dt(e["lastEditedAt"]),
                        e.get("lastEditedBy"),
                    )
                )
    for h, entry in gen.labels["object_answers"].items():
        po = objects.get(h)
        if po is None:
            continue
        for a in reversed(entry["classifications"]):  # slot order: parents before nested answers
            ans = a["answers"]
            if a["featureHash"] in radio_attrs:
                ans = ans[0]["featureHash"]
            po.static.append((a["featureHash"], _plain_answer(ans)))
    for h, entry in gen.labels["object_actions"].items():
        po = objects.get(h)
        if po is None:
            continue
        for a in reversed(entry["actions"]):
            po.dynamic.append((a["featureHash"], a["answers"][0]["featureHash"], [tuple(r) for r in a["range"]]))
    classifications = []
    for h, c in gen.labels["classification_answers"].items():
        a = c["classifications"][0]
        ans = a["answers"]
        if a["featureHash"] in radio_attrs:
            ans = ans[0]["featureHash"]
        classifications.append(
            PlanClassification(
                c["featureHash"],
                h,
                [tuple(r) for r in c["range"]],
                (
                    dt(c["createdAt"]),
                    c["createdBy"],
                    c["confidence"],
                    c["manualAnnotation"],
                    dt(c["lastEditedAt"]),
                    c["lastEditedBy"],
                ),
                (a["featureHash"], _plain_answer(ans)),
            )
        )
    return Plan(list(objects.values()), classifications)


def _walk_attrs(attrs: list[dict]):
    for a in attrs:
        yield a
        for o in a.get("options", []):
            if a["type"] == "radio":
                yield from _walk_attrs(o.get("options", []))


def describe(gen: Generated) -> str:
    return (
        f"{gen.profile}: {gen.n_frames} frames, {gen.n_objects} objects, {gen.n_annotations} annotations, "
        f"{gen.n_classifications} classifications"
    )


if __name__ == "__main__":
    import argparse
    import time

    ap = argparse.ArgumentParser(description="Generate the benchmark rows and print their sizes.")
    ap.add_argument("profiles", nargs="*", default=list(PROFILES))
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    for name in args.profiles:
        t = time.perf_counter()
        g = generate(name, args.scale)
        print(describe(g), f"({time.perf_counter() - t:.2f} s)")
