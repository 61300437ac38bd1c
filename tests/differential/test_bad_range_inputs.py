"""Bad inputs on range-based rows (audio, plain text, HTML, time series): the table of ``test_bad_inputs.py``
extended to range objects, read the same way.

* ``expect="same"``: the reference raises; labelrow raises an instance of the reference's class.
* ``expect="labelrow_stricter"``: the reference passes the value through; labelrow raises ``LabelRowError``.
* ``expect="accepted"``: both accept it and export the same dict.

Every row checks what the reference does. After a failed call labelrow's row must be unchanged.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("encord")

import program
import range_program
from conftest import exception_matches, selftest, unified

_AT = {"created_at": 10, "last_edited_at": 20, "created_by": "ann@example.com", "last_edited_by": None}
_META = {**_AT, "confidence": None, "manual_annotation": None}
_HTML = [{"start": {"xpath": "/p[1]", "offset": 2}, "end": {"xpath": "/p[2]", "offset": 4}}]


def base_program(kind: str) -> dict:
    prog = range_program.gen_range_program(0)
    media = {
        "audio": {
            "kind": "audio",
            "duration": 10,
            "sample_rate": 10,
            "bit_depth": 16,
            "codec": "mp3",
            "num_channels": 2,
            "mime_type": "audio/mpeg",
            "n": 100,
        },
        "text": {"kind": "text", "mime_type": "text/plain", "n": 1},
        "html": {"kind": "html", "mime_type": "text/html", "n": 1},
        "time_series": {"kind": "time_series", "n": 50, "fps": None, "duration": None},
    }[kind]
    shape = range_program._SHAPE_OF_KIND[kind]
    feature = next(o["featureNodeHash"] for o in prog["ontology"]["objects"] if o["shape"] == shape)
    coords = {"kind": "html", "html": _HTML} if kind == "html" else {"kind": shape, "ranges": [[0, 0], [3, 5]]}
    ops = [
        {"op": "new_object", "i": 0, "feature": feature, "hash": "A"},
        {"op": "set", "i": 0, "coords": coords, "frames": 0, "overwrite": False, **_META},
        {"op": "add", "i": 0, "force": False},
        {
            "op": "classification",
            "k": 0,
            "feature": "cl0001",
            "range_only": True,
            "ranges": [[0, 0]],
            "at": 5,
            "answer": "calm",
        },
    ]
    return {"seed": -1, "ontology": prog["ontology"], "media": media, "ops": ops}


def base_row(lib, kind: str) -> range_program._Interp:
    prog = base_program(kind)
    it = range_program._Interp(lib, prog)
    for op in prog["ops"]:
        assert it.run(op) == "ok", op
    return it


_BASE: dict[str, dict] = {}


def base_dict(kind: str) -> dict:
    if kind not in _BASE:
        _BASE[kind] = base_row(program.load_lib("encord"), kind).row.to_encord_dict()
    return copy.deepcopy(_BASE[kind])


def entry(d: dict) -> dict:
    return d["object_answers"]["A"]


def on_entry(fn: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda d: fn(entry(d))


def put(key: str, value: Any) -> Callable[[dict], None]:
    return on_entry(lambda e: e.__setitem__(key, value))


def drop(key: str) -> Callable[[dict], None]:
    return on_entry(lambda e: e.pop(key))


def on_node(fn: Callable[[dict], None]) -> Callable[[dict], None]:
    return on_entry(lambda e: fn(e["range_html"][0]["start"]))


@dataclass
class Case:
    id: str
    mutate: Callable[[dict], None] | None = None
    api: Callable[[Any, Any], None] | None = None
    expect: str = "same"
    ref_raises: str | None = None
    kind: str = "audio"


CASES: list[Case] = []
for kind in ("audio", "text", "time_series"):
    CASES += [
        Case(f"{kind}-missing-range", drop("range"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-null-range", put("range", None), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-range-not-a-list", put("range", 5), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-range-pair-short", put("range", [[1]]), ref_raises="IndexError", kind=kind),
        Case(f"{kind}-range-pair-not-a-list", put("range", [5]), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-range-reversed", put("range", [[9, 3]]), ref_raises="ValueError", kind=kind),
        Case(f"{kind}-range-strings", put("range", [["1", "2"]]), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-missing-featureHash", drop("featureHash"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-null-featureHash", put("featureHash", None), ref_raises="OntologyError", kind=kind),
        Case(f"{kind}-unknown-featureHash", put("featureHash", "nope"), ref_raises="OntologyError", kind=kind),
        Case(f"{kind}-classification-featureHash", put("featureHash", "cl0001"), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-box-object", put("featureHash", "ob0007"), ref_raises="LabelRowError", kind=kind),
        Case(f"{kind}-missing-objectHash", drop("objectHash"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-missing-classifications", drop("classifications"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-null-classifications", put("classifications", None), ref_raises="TypeError", kind=kind),
        Case(f"{kind}-negative-objectNumber", put("objectNumber", -3), ref_raises="LabelRowError", kind=kind),
        Case(f"{kind}-bad-createdAt", put("createdAt", "garbage"), ref_raises="ValueError", kind=kind),
        # accepted the same way
        Case(f"{kind}-spaces-entry-skipped", put("spaces", {"s1": {}}), expect="accepted", kind=kind),
        Case(f"{kind}-empty-spaces-kept", put("spaces", {}), expect="accepted", kind=kind),
        Case(
            f"{kind}-null-metadata",
            on_entry(
                lambda e: e.update(
                    dict.fromkeys(["createdBy", "lastEditedBy", "manualAnnotation", "confidence", "objectNumber"])
                )
            ),
            expect="accepted",
            kind=kind,
        ),
        Case(
            f"{kind}-unsorted-overlapping-ranges",
            put("range", [[7, 9], [0, 5], [3, 6], [10, 10]]),
            expect="accepted",
            kind=kind,
        ),
        Case(f"{kind}-range-extra-values", put("range", [[1, 2, 3]]), expect="accepted", kind=kind),
        Case(f"{kind}-negative-start", put("range", [[-5, 2]]), expect="accepted", kind=kind),
        Case(f"{kind}-range-beyond-frames", put("range", [[0, 10**9]]), expect="accepted", kind=kind),
        Case(f"{kind}-empty-range", put("range", []), expect="accepted", kind=kind),
        Case(f"{kind}-confidence-dropped", put("confidence", 0.25), expect="accepted", kind=kind),
        Case(
            f"{kind}-repeated-hash-replaces",
            lambda d: d["object_answers"].update(Z=dict(entry(d), range=[[1, 1]])),
            expect="accepted",
            kind=kind,
        ),
        Case(
            f"{kind}-unit-labels-ignored",
            lambda d: next(iter(d["data_units"].values())).update(labels={"0": {"objects": [{"x": 1}]}}),
            expect="accepted",
            kind=kind,
        ),
        # the reference passes these through unchecked
        Case(f"{kind}-float-range", put("range", [[1.5, 5.0]]), expect="labelrow_stricter", kind=kind),
        Case(f"{kind}-bool-range", put("range", [[True, 5]]), expect="labelrow_stricter", kind=kind),
        Case(f"{kind}-manualAnnotation-string", put("manualAnnotation", "yes"), expect="labelrow_stricter", kind=kind),
    ]
CASES += [
    Case(
        "audio-missing-unit-audio_codec",
        lambda d: next(iter(d["data_units"].values())).pop("audio_codec"),
        ref_raises="KeyError",
    ),
    Case("html-missing-range_html", drop("range_html"), ref_raises="KeyError", kind="html"),
    Case("html-null-range_html", put("range_html", None), ref_raises="TypeError", kind="html"),
    Case("html-missing-end", on_entry(lambda e: e["range_html"][0].pop("end")), ref_raises="KeyError", kind="html"),
    Case(
        "html-fractional-offset", on_node(lambda n: n.__setitem__("offset", 5.5)), ref_raises="ValueError", kind="html"
    ),
    Case("html-int-xpath", on_node(lambda n: n.__setitem__("xpath", 5)), ref_raises="ValueError", kind="html"),
    Case("html-audio-object", put("featureHash", "ob0001"), ref_raises="LabelRowError", kind="html"),
    Case("html-missing-featureHash", drop("featureHash"), ref_raises="KeyError", kind="html"),
    Case("html-missing-classifications", drop("classifications"), ref_raises="KeyError", kind="html"),
    Case("html-numeric-offsets", on_node(lambda n: n.update(offset="7")), expect="accepted", kind="html"),
    Case("html-integral-float-offset", on_node(lambda n: n.update(offset=7.0)), expect="accepted", kind="html"),
    Case("html-range-ignored", put("range", [[1, 2]]), expect="accepted", kind="html"),
    Case("html-spaces-kept", put("spaces", {"s": 1}), expect="accepted", kind="html"),
    Case(
        "html-repeated-ranges-kept",
        on_entry(lambda e: e["range_html"].append(copy.deepcopy(e["range_html"][0]))),
        expect="accepted",
        kind="html",
    ),
]


# API-level bad calls on a row holding the base labels; `it.objs[0]` is the attached range object "A".
def _coords(lib, kind: str, ranges=((0, 3),)) -> Any:
    return range_program.make_coords(lib, {"kind": kind, "ranges": [list(r) for r in ranges], "html": _HTML})


def _set(kind: str, frames: int = 0, overwrite: bool = True, ranges=((0, 3),)) -> Callable[[Any, Any], None]:
    return lambda lib, it: it.objs[0].set_for_frames(_coords(lib, kind, ranges), frames=frames, overwrite=overwrite)


def _new(feature: str, kind: str, ranges=((0, 0),)) -> Callable[[Any, Any], Any]:
    def make(lib, it):
        o = lib.ObjectInstance(it.structure.get_child_by_hash(feature))
        if kind == "box":
            o.set_for_frames(_coords(lib, kind), frames=0)
        else:
            o.set_for_frames(_coords(lib, kind, ranges), frames=0)
        return o

    return make


def _add(feature: str, kind: str) -> Callable[[Any, Any], None]:
    return lambda lib, it: it.row.add_object_instance(_new(feature, kind)(lib, it))


CASES += [
    Case("api-audio-frames-1", api=_set("audio", frames=1), ref_raises="LabelRowError"),
    Case("api-audio-box-coordinates", api=_set("box"), ref_raises="LabelRowError"),
    Case("api-audio-text-coordinates", api=_set("text"), ref_raises="LabelRowError"),
    Case("api-audio-no-overwrite", api=_set("audio", overwrite=False), ref_raises="LabelRowError"),
    Case("api-audio-end-out-of-bounds", api=_set("audio", ranges=((0, 100),)), ref_raises="LabelRowError"),
    Case("api-audio-reversed-range", api=_set("audio", ranges=((9, 3),)), ref_raises="ValueError"),
    Case("api-audio-annotation-1", api=lambda lib, it: it.objs[0].get_annotation(1), ref_raises="LabelRowError"),
    Case("api-audio-remove-frames-1", api=lambda lib, it: it.objs[0].remove_from_frames(1), ref_raises="LabelRowError"),
    Case("api-audio-add-box-object", api=_add("ob0007", "box"), ref_raises="LabelRowError"),
    Case("api-audio-frame-view", api=lambda lib, it: it.row.get_frame_view(0), ref_raises="LabelRowError"),
    Case("api-time-series-add-box-object", api=_add("ob0007", "box"), ref_raises="LabelRowError", kind="time_series"),
    Case(
        "api-box-range-list", api=lambda lib, it: _new("ob0007", "box")(lib, it).range_list, ref_raises="LabelRowError"
    ),
    Case("api-text-end-out-of-bounds", api=_set("text", ranges=((0, 1),)), ref_raises="LabelRowError", kind="text"),
    Case("api-text-html-coordinates", api=_set("html"), ref_raises="LabelRowError", kind="text"),
    Case("api-text-add-html-object", api=_add("ob0003", "html"), ref_raises="LabelRowError", kind="text"),
    Case("api-html-text-coordinates", api=_set("text", ranges=((0, 0),)), ref_raises="LabelRowError", kind="html"),
    Case("api-html-add-text-object", api=_add("ob0003", "text"), ref_raises="LabelRowError", kind="html"),
    Case("api-html-add-box-object", api=_add("ob0007", "box"), ref_raises="LabelRowError", kind="html"),
    Case(
        "api-html-add-empty-object",
        api=lambda lib, it: it.row.add_object_instance(lib.ObjectInstance(it.structure.get_child_by_hash("ob0003"))),
        ref_raises="LabelRowError",
        kind="html",
    ),
    Case(
        "api-audio-classification-not-range-only",
        api=lambda lib, it: it.row.add_classification_instance(
            it.structure.get_child_by_hash("cl0002").create_instance()
        ),
        ref_raises="LabelRowError",
    ),
]


@dataclass
class Outcome:
    exc: BaseException | None
    stage: str | None
    export: Any = None
    before: Any = None
    after: Any = None


def _export(row) -> Any:
    try:
        return json.loads(json.dumps(row.to_encord_dict()))
    except Exception as e:
        return f"export raised {type(e).__name__}"


def run_case(lib, case: Case) -> Outcome:
    it = base_row(lib, case.kind)
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
        return Outcome(e, "export", before=before)
    return Outcome(None, None, export=out, before=before)


def _label(o: Outcome) -> str:
    if o.exc is None:
        return "no exception"
    return f"{type(o.exc).__module__}.{type(o.exc).__name__} at {o.stage}: {str(o.exc)[:200]}"


def _masked(d: Any) -> Any:
    """Parse-time "now" stamps (metadata nulled on purpose) and random classification hashes differ between
    runs: mask them."""
    s = json.dumps(d)
    for i, h in enumerate((d or {}).get("classification_answers", {}) if isinstance(d, dict) else []):
        s = s.replace(json.dumps(h), json.dumps(f"<cls{i}>"))
    for o in (d or {}).get("object_answers", {}).values() if isinstance(d, dict) else []:
        for k in ("createdAt", "lastEditedAt"):
            if not o[k].endswith("2024 UTC") and not o[k].startswith("Tue, 02 Jan 2024"):
                s = s.replace(json.dumps(o[k]), '"<now>"')
    return json.loads(s)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_range_input(case: Case, ref_lib, our_lib) -> None:
    ref = run_case(ref_lib, case)
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
        a, b = _masked(ref.export), _masked(ours.export)
        assert json.dumps(a) == json.dumps(b), unified(a, b, "reference", "labelrow")
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
        assert json.dumps(ours.after) == json.dumps(ours.before), (
            f"{case.id}: the row changed after a failed call\n" + unified(ours.before, ours.after, "before", "after")
        )


@pytest.mark.parametrize("kind", range_program.KINDS)
def test_base_range_rows_agree(kind: str, ref_lib, our_lib) -> None:
    a = _masked(base_row(ref_lib, kind).row.to_encord_dict())
    b = _masked(base_row(our_lib, kind).row.to_encord_dict())
    assert json.dumps(a) == json.dumps(b), unified(a, b, "reference", "labelrow")
