"""`to_json()` and `to_encord_dict()` are one exporter writing into two sinks (JSON bytes, Python objects): the
bytes decode to exactly the dict, with the same key order and the same int / float / bool types, on random
API-built rows (the differential program generator), on those rows reloaded from their own JSON, and on the
reference's fixture rows. Where the export fails, both fail with the same error."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects import LabelRowV2, OntologyStructure
from labelrow.orm.label_row import LabelRowMetadata

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "shared" / "fixtures"
SEEDS = 150


def typed(x: Any) -> Any:
    """A comparison form in which 1, 1.0 and True differ, -0.0 is not 0.0 and dict key order counts."""
    if isinstance(x, dict):
        return ("dict", [(k, typed(v)) for k, v in x.items()])
    if isinstance(x, list):
        return ("list", [typed(v) for v in x])
    if isinstance(x, float):
        return ("float", repr(x))
    return (type(x).__name__, x)


def check_row(row: Any, what: str) -> bool:
    """Both outputs of `row`, with and without object numbers; False when the export fails (in both)."""
    for renumber in (False, True):
        try:
            d = row.to_encord_dict(renumber_objects=renumber) if renumber else row.to_encord_dict()
        except LabelRowError as e:
            with pytest.raises(type(e)) as raised:
                row.to_json(renumber)
            assert raised.value.args == e.args, what
            return False
        decoded = orjson.loads(row.to_json(renumber))
        assert decoded == d, what
        assert typed(decoded) == typed(d), what
    return True


def _program() -> Any:
    sys.path.insert(0, str(HERE / "differential"))
    try:
        import program
    finally:
        sys.path.pop(0)
    return program


def test_random_rows_decode_to_the_dict() -> None:
    program = _program()
    lib = program.load_lib("labelrow")
    exported = 0
    for seed in range(SEEDS):
        prog = program.gen_program(seed)
        it = program._Interp(lib, prog)
        for op in prog["ops"]:
            with contextlib.suppress(Exception):
                it.run_op(op)
        if not check_row(it.row, f"seed {seed}"):
            continue
        exported += 1
        again = program.new_row(lib, it.structure, prog)
        try:
            # Programs may leave rows the parser refuses (frames past the media end): nothing to compare then.
            again.from_json(it.row.to_json())
        except LabelRowError:
            continue
        check_row(again, f"seed {seed}, reloaded")
    assert exported > SEEDS // 2


def _fixture_stems() -> list[str]:
    if not FIXTURES.is_dir():
        return []
    manifest = json.loads((FIXTURES / "MANIFEST.json").read_text())
    return [f["name"] for f in manifest["fixtures"] if f["data_type"] in {"video", "image", "img_group", "dicom"}]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures is not present on this machine")
@pytest.mark.parametrize("stem", _fixture_stems())
def test_fixture_rows_decode_to_the_dict(stem: str) -> None:
    structure = OntologyStructure.from_dict(json.loads((FIXTURES / f"{stem}.ontology.json").read_text()))
    meta = LabelRowMetadata.from_dict(json.loads((FIXTURES / f"{stem}.metadata.json").read_text()))
    row = LabelRowV2(meta, None, structure)
    row.from_labels_dict(json.loads((FIXTURES / f"{stem}.labels.json").read_text()))
    assert check_row(row, stem)


def _structure() -> tuple[Any, Any, Any]:
    from labelrow.objects.common import Shape

    structure = OntologyStructure()
    return structure, structure.add_object("Box", Shape.BOUNDING_BOX), structure.add_object("Mask", Shape.BITMASK)


def _video_row(structure: Any, width: int, height: int) -> Any:
    from labelrow.orm.storage import CustomerProvidedVideoMetadata

    media = CustomerProvidedVideoMetadata(
        fps=1.0, duration=10.0, width=width, height=height, file_size=1, mime_type="video/mp4"
    )
    return LabelRowV2.from_media_metadata(structure, media)


@pytest.mark.parametrize("enabled", [True, False])
def test_to_encord_dict_leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    """The export pauses the cyclic GC while it builds; afterwards the collector is on exactly when it was
    before, also when the export fails, and the dict it built is complete and collectable."""
    import gc
    import weakref

    import numpy as np

    from labelrow.objects import ObjectInstance
    from labelrow.objects.bitmask import BitmaskCoordinates
    from labelrow.objects.coordinates import BoundingBoxCoordinates

    structure, box, mask = _structure()
    row = _video_row(structure, 9, 6)
    inst = ObjectInstance(box)
    inst.set_for_frames(BoundingBoxCoordinates(height=0.1, width=0.2, top_left_x=0.3, top_left_y=0.4), frames=[0, 1])
    row.add_object_instance(inst)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        d = row.to_encord_dict()
        assert gc.isenabled() is enabled
        assert orjson.loads(row.to_json()) == d
        # A cycle made from the exported dict is still found by the collector.
        holder = type("Holder", (), {})()
        holder.d = d
        d["cycle"] = holder
        ref = weakref.ref(holder)
        del holder, d
        gc.collect()
        assert ref() is None

        # A bitmask of the wrong size fails the export (as in the reference); the collector's state survives it.
        bad = _video_row(structure, 9, 6)
        m = ObjectInstance(mask)
        m.set_for_frames(BitmaskCoordinates(np.zeros((6, 9), dtype=bool)), frames=0)
        bad.add_object_instance(m)
        labels = bad.to_encord_dict()
        for unit in labels["data_units"].values():
            unit["width"], unit["height"] = 4, 4
        bad.from_labels_dict(labels)
        with pytest.raises(ValueError, match="mask"):
            bad.to_encord_dict()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
