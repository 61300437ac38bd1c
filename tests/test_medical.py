"""Page- and slice-based rows (DICOM, NIfTI, PDF) through every path: the dict walk and the JSON bytes parser read
the same series and slice metadata, every output sink writes the same dict, numpy columns cover the rows, and
the metadata records keep their identity while the labels stay loaded. (Parity with the reference is in
``tests/differential``.)"""

from __future__ import annotations

import contextlib
import json

import pytest
import test_columns as columns
import test_output_sinks

from labelrow.exceptions import EncordException, LabelRowError
from labelrow.objects import DICOMSeriesMetadata, DICOMSliceMetadata

program = test_output_sinks._program()
import program_medical  # noqa: E402  (on the path that _program() set up)

SEEDS = 25


def run(kind: str, seed: int):
    lib = program.load_lib("labelrow")
    prog = program.gen_program(seed, kind)
    it = program._Interp(lib, prog)
    for op in prog["ops"]:
        with contextlib.suppress(Exception):
            it.run_op(op)
    return prog, it


@pytest.mark.parametrize("kind", program_medical.MEDICAL_KINDS)
def test_sinks_and_json_reload(kind: str) -> None:
    lib = program.load_lib("labelrow")
    exported = 0
    for seed in range(SEEDS):
        prog, it = run(kind, seed)
        if not test_output_sinks.check_row(it.row, f"{kind} seed {seed}"):
            continue
        exported += 1
        # A reload is not a fixed point (label-row.md §12): compare the two parsers with each other.
        by_json, by_dict = program.new_row(lib, it.structure, prog), program.new_row(lib, it.structure, prog)
        by_json.from_json(it.row.to_json())
        by_dict.from_labels_dict(it.row.to_encord_dict())
        assert by_json.to_json() == by_dict.to_json(), f"{kind} seed {seed}"
    assert exported > SEEDS // 2


@pytest.mark.parametrize("kind", program_medical.MEDICAL_KINDS)
def test_numpy_columns(kind: str) -> None:
    annotations = 0
    for seed in range(SEEDS):
        _, it = run(kind, seed)
        try:
            it.row.to_encord_dict()
        except LabelRowError:
            continue
        annotations += columns.check(it.row)
    assert annotations > 0


def _dicom_dict(seed: int = 1) -> tuple[dict, dict]:
    prog = program.gen_program(seed, "dicom")
    media = prog["media"]
    assert media["series"] is not None and media["slices"], "seed chosen for a row with series and slice metadata"
    return prog, program_medical._label_dict(media, "main")


def _empty_dicom_row(prog: dict):
    lib = program.load_lib("labelrow")
    structure = program.build_ontology(lib, prog["ontology"], prog["build"])
    return program_medical.new_row(lib, structure, prog)


def _dicom_seed() -> int:
    return next(
        s
        for s in range(100)
        if (m := program.gen_program(s, "dicom")["media"])["series"] is not None and len(m["slices"]) >= 2
    )


def test_json_and_dict_paths_read_the_same_metadata() -> None:
    prog, labels = _dicom_dict(_dicom_seed())
    by_dict, by_json = _empty_dicom_row(prog), _empty_dicom_row(prog)
    by_dict.from_labels_dict(labels)
    by_json.from_json(json.dumps(labels).encode())
    assert isinstance(by_dict.metadata, DICOMSeriesMetadata)
    assert by_json.metadata == by_dict.metadata
    for f in range(prog["media"]["n"] + 2):
        a, b = by_dict.get_frame_view(f).metadata, by_json.get_frame_view(f).metadata
        assert a == b
        assert (a is not None) == (str(f) in prog["media"]["slices"])
        if a is not None:
            assert isinstance(a, DICOMSliceMetadata)
            assert by_dict.get_frame_view(f).width == a.width


def test_metadata_identity_and_reset() -> None:
    prog, labels = _dicom_dict(_dicom_seed())
    row = _empty_dicom_row(prog)
    row.from_labels_dict(labels)
    frame = int(next(iter(prog["media"]["slices"])))
    series, slice_ = row.metadata, row.get_frame_view(frame).metadata
    assert row.metadata is series and row.get_frame_view(frame).metadata is slice_
    # never written back: a reload of the export has none
    row.from_labels_dict(row.to_encord_dict())
    assert row.metadata is None and row.get_frame_view(frame).metadata is None


def test_malformed_metadata_leaves_the_row_unchanged_on_both_paths() -> None:
    prog, labels = _dicom_dict(_dicom_seed())
    row = _empty_dicom_row(prog)
    row.from_labels_dict(labels)
    before, series = row.to_encord_dict(), row.metadata
    frame = next(iter(prog["media"]["slices"]))
    bad = json.loads(json.dumps(labels))
    bad["data_units"][program_medical._ZERO]["labels"][frame]["metadata"]["width"] = "wide"
    for load in (row.from_labels_dict, lambda d: row.from_json(json.dumps(d))):
        with pytest.raises(EncordException, match=rf'labels\["{frame}"\]\.metadata\.width'):
            load(bad)
        assert row.to_encord_dict() == before and row.metadata is series


def test_integers_beyond_64_bits_in_metadata_are_refused() -> None:
    """docs/compatibility.md: the reference's model keeps such an integer; labelrow refuses it (EncordException)."""
    prog, labels = _dicom_dict(_dicom_seed())
    frame = next(iter(prog["media"]["slices"]))
    labels["data_units"][program_medical._ZERO]["labels"][frame]["metadata"]["height"] = "99999999999999999999"
    row = _empty_dicom_row(prog)
    with pytest.raises(EncordException, match="height"):
        row.from_labels_dict(labels)
