"""Range-based rows through labelrow's own API: numpy columns of range objects, the JSON bytes path, and
live range objects (edits through an instance are seen by the row at once)."""

from __future__ import annotations

import contextlib
import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from labelrow.exceptions import LabelRowValueError

sys.path.insert(0, str(Path(__file__).parent / "differential"))
import program
import range_program

sys.path.pop(0)


def _row(seed: int):
    lib = program.load_lib("labelrow")
    prog = range_program.gen_range_program(seed)
    it = range_program._Interp(lib, prog)
    for op in prog["ops"]:
        # the differential test compares failures; here only the resulting row matters
        with contextlib.suppress(Exception):
            it.run(op)
    return it.row


@pytest.mark.parametrize("seed", range(0, 60))
def test_columns_hold_every_range(seed: int) -> None:
    row = _row(seed)
    cols = row.get_annotation_columns()
    assert cols["range_starts"].dtype == np.int64 and cols["range_ends"].dtype == np.int64
    expected = []
    for obj in row.get_object_instances():
        ranges = obj.range_list if obj.is_range_only() else None
        for r in ranges or []:
            expected.append((obj.object_hash, r.start, r.end))
    got = [
        (cols["object_hashes"][cols["object_index"][r]], int(s), int(e))
        for s, e, r in zip(cols["range_starts"], cols["range_ends"], cols["range_rows"], strict=True)
    ]
    assert sorted(got) == sorted(expected)
    assert all(cols["frames"][r] == 0 for r in cols["range_rows"])


@pytest.mark.parametrize("seed", range(0, 40))
def test_json_path_equals_dict_path(seed: int) -> None:
    row = _row(seed)
    try:
        expected = row.to_encord_dict()
    except Exception as e:
        with pytest.raises(type(e)):
            row.to_json()
        return
    # json.dumps tells 1 from 1.0, which == does not
    assert json.dumps(json.loads(row.to_json())) == json.dumps(expected)


def test_range_object_is_live() -> None:
    lib = program.load_lib("labelrow")
    prog = range_program.gen_range_program(0)  # an audio program
    assert prog["media"]["kind"] == "audio"
    it = range_program._Interp(lib, prog)
    audio = next(o for o in it.structure.objects if o.shape.value == "audio")
    obj = lib.ObjectInstance(audio, object_hash="live")
    obj.set_for_frames(range_program.make_coords(lib, {"kind": "audio", "ranges": [[5, 6], [0, 2]]}), frames=0)
    it.row.add_object_instance(obj)
    assert it.row.to_encord_dict()["object_answers"]["live"]["range"] == [[0, 2], [5, 6]]
    obj.set_for_frames(range_program.make_coords(lib, {"kind": "audio", "ranges": [[1, 3]]}), 0, overwrite=True)
    assert it.row.to_encord_dict()["object_answers"]["live"]["range"] == [[1, 3]]
    same = next(o for o in it.row.get_object_instances() if o.object_hash == "live")
    assert same is obj
    assert [(r.start, r.end) for r in same.range_list] == [(1, 3)]
    obj.get_annotation(0).created_by = "someone@example.com"
    assert it.row.to_encord_dict()["object_answers"]["live"]["createdBy"] == "someone@example.com"


def test_text_object_switches_between_plain_and_html_coordinates() -> None:
    """A fixed reference bug (docs/compatibility.md): the reference raises a TypeError from inside its range store."""
    lib = program.load_lib("labelrow")
    structure = lib.OntologyStructure.from_dict(range_program.gen_ontology(random.Random(0)))
    text = next(o for o in structure.objects if o.shape.value == "text")
    obj = lib.ObjectInstance(text)
    plain = {"kind": "text", "ranges": [[4, 6], [0, 1], [2, 3]]}
    html = {"kind": "html", "html": [{"start": {"xpath": "/p", "offset": 1}, "end": {"xpath": "/q", "offset": 0}}]}
    obj.set_for_frames(range_program.make_coords(lib, plain), frames=0)
    obj.set_for_frames(range_program.make_coords(lib, html), frames=0, overwrite=True)
    assert obj.range_list is None
    assert [r.to_dict() for r in obj.range_html] == html["html"]
    obj.set_for_frames(range_program.make_coords(lib, plain), frames=0, overwrite=True)
    assert obj.range_html is None
    assert [(r.start, r.end) for r in obj.range_list] == [(0, 6)]


def test_float_range_bounds_are_refused() -> None:
    lib = program.load_lib("labelrow")
    structure = lib.OntologyStructure.from_dict(range_program.gen_ontology(random.Random(0)))
    audio = next(o for o in structure.objects if o.shape.value == "audio")
    obj = lib.ObjectInstance(audio)
    with pytest.raises(LabelRowValueError, match="integers"):
        obj.set_for_frames(range_program.make_coords(lib, {"kind": "audio", "ranges": [[0, 1.5]]}), frames=0)
    assert obj.range_list is None
