"""RLE strings as the coordinates of bitmask objects placed on image, video, image-sequence, medical and PDF
spaces: the bitmask covers the whole media, sized from the space (per frame on medical stacks), with the
reference's errors for frames that do not exist or differ in size, spaces of unknown size and objects that
are not bitmasks. Every case runs in both libraries and compares outcome and export."""

from __future__ import annotations

import importlib
import json
import types
from datetime import UTC, datetime

import pytest

pytest.importorskip("encord")

import program
from conftest import FIXTURES_DIR

if not FIXTURES_DIR.exists():
    pytestmark = pytest.mark.skip(reason=f"fixture directory {FIXTURES_DIR} does not exist")

STEM = "dg_all_modalities_empty_patched"
T0 = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
MASK = "mask0001"
#: a 10 x 10 mask's runs (a 3 x 4 block): short enough for every media size here
RLE = "g046000_1"


def _row(lib_name: str):
    lib = program.load_lib(lib_name)
    ontology = json.loads((FIXTURES_DIR / f"{STEM}.ontology.json").read_text())
    ontology["objects"].append(
        {"id": "99", "name": "Mask", "color": "#123456", "shape": "bitmask", "featureNodeHash": MASK}
    )
    structure = lib.OntologyStructure.from_dict(ontology)
    lrm = importlib.import_module(f"{lib.package}.orm.label_row").LabelRowMetadata
    metadata = json.loads((FIXTURES_DIR / f"{STEM}.metadata.json").read_text())
    row = lib.LabelRowV2(lrm.from_dict(metadata), None, types.SimpleNamespace(structure=structure))
    row.from_labels_dict(json.loads((FIXTURES_DIR / f"{STEM}.labels.json").read_text()))
    return lib, row, structure


STAMPS = {"created_at": T0, "last_edited_at": T0, "created_by": "a@b.co"}

#: name -> (space id, space type, frames or None for an image space, feature hash of the object)
CASES = {
    "image": ("image-uuid", "image", None, MASK),
    "video, two frames": ("video-uuid", "video", [0, 3], MASK),
    "image sequence": ("image-sequence-uuid", "image_sequence", [2], MASK),
    "medical file": ("dicom-uuid", "medical", [0, 5], MASK),
    "medical stack, one frame": ("dicom-stack-uuid", "medical", [1], MASK),
    "medical stack, frames of two sizes": ("dicom-stack-uuid", "medical", [0, 1], MASK),
    "pdf (size unknown)": ("pdf-uuid", "pdf", [0], MASK),
    "no frames": ("video-uuid", "video", [], MASK),
    "negative frame": ("video-uuid", "video", [-1], MASK),
    "frame beyond the video": ("video-uuid", "video", [10], MASK),
    "not a bitmask object": ("image-uuid", "image", None, "MjI2NzEy"),
}


def _run(lib_name: str, case: str) -> dict:
    space_id, type_, frames, feature = CASES[case]
    lib, row, structure = _row(lib_name)

    def put() -> None:
        space = row.get_space(id=space_id, type_=type_)
        obj = lib.ObjectInstance(structure.get_child_by_hash(feature), object_hash="obj00001")
        if frames is None:
            space.put_object_instance(obj, RLE, **STAMPS)
        else:
            space.put_object_instance(obj, frames, RLE, **STAMPS)

    outcome = program._try(lib, put)
    return {"outcome": outcome, "after": program._try(lib, row.to_encord_dict)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rle_string_on_a_space(case: str) -> None:
    ref, ours = (_run(name, case) for name in ("encord", "labelrow"))
    rep = program.compare_results(ref, ours)
    assert rep is None, rep


def test_the_placed_bitmask_covers_the_media() -> None:
    lib, row, structure = _row("labelrow")
    obj = lib.ObjectInstance(structure.get_child_by_hash(MASK), object_hash="obj00001")
    row.get_space(id="dicom-uuid", type_="medical").put_object_instance(obj, [4], RLE, **STAMPS)
    spaces = row.to_encord_dict()["spaces"]
    entry = spaces["dicom-uuid"]["labels"]["4"]["objects"][0]
    assert entry["bitmask"] == {"top": 0, "left": 0, "height": 200, "width": 100, "rleString": RLE}
