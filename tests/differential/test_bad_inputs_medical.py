"""Bad inputs of page- and slice-based rows (DICOM, NIfTI, PDF): the table of ``test_bad_inputs.py`` (same rules,
same runner) extended with their unit requirements, series and slice metadata, frame bounds and page sizes.

Series and slice metadata are never written back, so the cases that the reference accepts are also compared on
what the row exposes (``test_lax_metadata_values``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

pytest.importorskip("encord")

import program
import program_medical  # noqa: F401  (the base rows of these kinds)
import test_bad_inputs as bad
from test_bad_inputs import Case, setp, unit

SLICE = {"dicom_instance_uid": "1.2.7", "multiframe_frame_number": None, "file_uri": "s/7", "width": 8, "height": 6}
SERIES = {"patient_id": None, "study_uid": "1.2", "series_uid": "1.2.3"}


def with_slice(changes: dict[str, Any] | None = None, drop: str | None = None, frame: str = "0", raw: Any = None):
    """Gives a labelled frame a slice `metadata` (the base dicts have none: it is never written back)."""

    def f(d: dict) -> None:
        meta = copy.deepcopy(SLICE) if raw is None else raw
        if isinstance(meta, dict):
            meta.update(changes or {})
            if drop:
                meta.pop(drop)
        unit(d)["labels"][frame]["metadata"] = meta

    return f


def with_series(changes: dict[str, Any] | None = None, drop: str | None = None, raw: Any = None):
    def f(d: dict) -> None:
        meta = copy.deepcopy(SERIES) if raw is None else raw
        if isinstance(meta, dict):
            meta.update(changes or {})
            if drop:
                meta.pop(drop)
        unit(d)["metadata"] = meta

    return f


def move_objects_to(frame: str):
    def f(d: dict) -> None:
        labels = unit(d)["labels"]
        labels[frame] = labels.pop("2")

    return f


def _api_beyond_last_frame(lib, it):
    o = it.objs[0]
    o.set_for_frames(lib.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.1), frames=25)


def _api_negative_frame(lib, it):
    o = it.objs[0]
    o.set_for_frames(lib.BoundingBoxCoordinates(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.1), frames=-1)


def _api_classification_beyond_last_frame(lib, it):
    # the instance metadata as it is (set_for_frames rewrites it before reading the frames)
    meta = {"created_at": program.make_dt(bad.META["ca"]), "last_edited_at": program.make_dt(bad.META["la"])}
    it.clss[0].set_for_frames(30, overwrite=True, created_by=bad.META["cb"], **meta)


_ZERO = "00000000-0000-0000-0000-000000000000"


def unit_key(key: str):
    return lambda d: unit(d).pop(key, None)


CASES: list[Case] = []
for kind in ("dicom", "nifti"):
    CASES += [
        Case(f"{kind}-missing-unit-width", unit_key("width"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-missing-unit-height", unit_key("height"), ref_raises="KeyError", kind=kind),
        Case(f"{kind}-missing-unit-data-link", unit_key("data_link"), expect="accepted", kind=kind),
        # the row's width is then unset, and the base row's bitmask (on frames without slice metadata) needs it
        Case(
            f"{kind}-null-unit-size", setp(["data_units", _ZERO, "width"], None), ref_raises="LabelRowError", kind=kind
        ),
    ]
CASES += [
    Case("pdf-missing-unit-data-link", unit_key("data_link"), ref_raises="KeyError", kind="pdf"),
    Case(
        "pdf-missing-unit-size", lambda d: (unit(d).pop("width"), unit(d).pop("height")), expect="accepted", kind="pdf"
    ),
    Case("pdf-string-unit-size", lambda d: unit(d).update(width="wide", height=None), expect="accepted", kind="pdf"),
    Case(
        "dicom-no-data-link-but-data-links",
        lambda d: unit(d).update(data_links=["a", "b"]),
        expect="accepted",
        kind="dicom",
    ),
]
# slice metadata: read on every multi-frame type (video too), validated by the reference's pydantic model
for kind in ("dicom", "nifti", "pdf", "video"):
    CASES += [
        Case(f"{kind}-slice-metadata-not-a-dict", with_slice(raw=["x"]), ref_raises="EncordException", kind=kind),
        Case(f"{kind}-slice-metadata-string", with_slice(raw="meta"), ref_raises="EncordException", kind=kind),
        Case(f"{kind}-slice-metadata-valid", with_slice(), expect="accepted", kind=kind),
        Case(
            f"{kind}-slice-metadata-null",
            lambda d: unit(d)["labels"]["0"].update(metadata=None),
            expect="accepted",
            kind=kind,
        ),
    ]
for field in SLICE:
    CASES.append(
        Case(
            f"dicom-slice-metadata-missing-{field}", with_slice(drop=field), ref_raises="EncordException", kind="dicom"
        )
    )
for field, value in [
    ("dicom_instance_uid", 5),
    ("dicom_instance_uid", None),
    ("file_uri", ["a"]),
    ("width", "abc"),
    ("width", 1.5),
    ("width", None),
    ("height", "5e2"),
    ("height", "512."),
    ("height", "1__0"),
    ("height", {}),
    ("multiframe_frame_number", "x"),
    ("multiframe_frame_number", 2.5),
]:
    CASES.append(
        Case(
            f"dicom-slice-metadata-{field}-{json.dumps(value)}",
            with_slice({field: value}),
            ref_raises="EncordException",
            kind="dicom",
        )
    )
# the series metadata of DICOM units; other types' unit metadata is not read (the reference logs a warning)
for field in SERIES:
    CASES.append(
        Case(
            f"dicom-series-metadata-missing-{field}",
            with_series(drop=field),
            ref_raises="EncordException",
            kind="dicom",
        )
    )
CASES += [
    Case("dicom-series-metadata-not-a-dict", with_series(raw=[1]), ref_raises="EncordException", kind="dicom"),
    Case(
        "dicom-series-metadata-study-uid-int", with_series({"study_uid": 3}), ref_raises="EncordException", kind="dicom"
    ),
    Case("dicom-series-metadata-valid", with_series(), expect="accepted", kind="dicom"),
    Case(
        "dicom-series-metadata-aliases",
        with_series(raw={"patientId": "p", "studyUid": "s", "seriesUid": "t"}),
        expect="accepted",
        kind="dicom",
    ),
    Case("nifti-unit-metadata-not-read", with_series(raw=[1]), expect="accepted", kind="nifti"),
    Case("pdf-unit-metadata-not-read", with_series(raw="x"), expect="accepted", kind="pdf"),
    Case("video-unit-metadata-not-read", with_series(drop="study_uid"), expect="accepted", kind="video"),
]
# frame bounds: DICOM rows have no known last frame
CASES += [
    Case("dicom-objects-beyond-last-frame", move_objects_to("57"), expect="accepted", kind="dicom"),
    Case("nifti-objects-beyond-last-frame", move_objects_to("57"), ref_raises="LabelRowError", kind="nifti"),
    Case("pdf-objects-beyond-last-frame", move_objects_to("57"), ref_raises="LabelRowError", kind="pdf"),
    Case("dicom-negative-frame", move_objects_to("-1"), ref_raises="LabelRowError", kind="dicom"),
    Case("dicom-api-beyond-last-frame", api=_api_beyond_last_frame, expect="accepted", kind="dicom"),
    Case("dicom-api-negative-frame", api=_api_negative_frame, ref_raises="LabelRowError", kind="dicom"),
    Case("pdf-api-beyond-last-frame", api=_api_beyond_last_frame, ref_raises="LabelRowError", kind="pdf"),
    Case(
        "dicom-api-classification-beyond-last-frame",
        api=_api_classification_beyond_last_frame,
        expect="accepted",
        kind="dicom",
    ),
    Case(
        "nifti-api-classification-beyond-last-frame",
        api=_api_classification_beyond_last_frame,
        ref_raises="LabelRowError",
        kind="nifti",
    ),
]


def _bitmask_to_frame(frame: str, slice_size: tuple[int, int] | None):
    """Moves frame 2's objects to ``frame``, whose slice metadata (if any) gets ``slice_size``."""

    def f(d: dict) -> None:
        labels = unit(d)["labels"]
        labels[frame] = labels.pop("2")
        if slice_size is not None:
            labels[frame]["metadata"] = {**SLICE, "width": slice_size[0], "height": slice_size[1]}

    return f


# a bitmask must have its frame's size: a DICOM slice's own where it has metadata; a PDF page has none
CASES += [
    Case("dicom-bitmask-slice-size-differs", _bitmask_to_frame("4", (5, 4)), ref_raises="ValueError", kind="dicom"),
    Case("dicom-bitmask-slice-size-matches", _bitmask_to_frame("4", (8, 6)), expect="accepted", kind="dicom"),
    Case("nifti-bitmask-slice-size-not-read", _bitmask_to_frame("4", (5, 4)), expect="accepted", kind="nifti"),
    Case(
        "dicom-bitmask-null-unit-size",
        setp(["data_units", _ZERO, "height"], None),
        ref_raises="LabelRowError",
        kind="dicom",
    ),
]


def _second_unit(d: dict) -> None:
    """A second unit (frame 1) without sizes or data link: only the first unit's keys are required."""
    d["data_units"]["11111111-0000-0000-0000-000000000000"] = {
        "data_hash": "11111111-0000-0000-0000-000000000000",
        "data_title": "second",
        "data_type": "application/octet-stream",
        "data_sequence": 1,
        "labels": {"3": {"objects": [], "classifications": [], "metadata": SLICE}},
    }


def _classifications_in_frames(d: dict) -> None:
    """0.1.190 exports still list classifications per frame: ignored."""
    unit(d)["labels"]["0"]["classifications"] = [{"classificationHash": "C_weather", "featureHash": "cls_weather"}]


# older and alternative input forms of these types (compared on the export)
for kind in ("dicom", "nifti", "pdf"):
    CASES += [
        Case(f"{kind}-frame-key-leading-zeros", move_objects_to("002"), expect="accepted", kind=kind),
        Case(
            f"{kind}-data-sequence-string",
            setp(["data_units", _ZERO, "data_sequence"], "0"),
            expect="accepted",
            kind=kind,
        ),
        Case(
            f"{kind}-unit-fps-duration-ignored",
            lambda d: unit(d).update(data_fps=99, data_duration=7),
            expect="accepted",
            kind=kind,
        ),
        Case(f"{kind}-frame-level-classifications-ignored", _classifications_in_frames, expect="accepted", kind=kind),
        Case(f"{kind}-second-unit", _second_unit, expect="accepted", kind=kind),
        Case(
            f"{kind}-frame-with-only-metadata-dropped",
            lambda d: unit(d)["labels"].update({"8": {"objects": [], "metadata": SLICE}}),
            expect="accepted",
            kind=kind,
        ),
        Case(
            f"{kind}-frame-without-objects-key",
            lambda d: unit(d)["labels"].update({"8": {"metadata": SLICE}}),
            ref_raises="KeyError",
            kind=kind,
        ),
    ]


# the same rule on video rows (every unit of a multi-frame row carries all labelled frames)
CASES.append(Case("video-second-unit", _second_unit, expect="accepted", kind="video"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_medical(case: Case, ref_lib, our_lib) -> None:
    bad.test_bad_input(case, ref_lib, our_lib)


def test_pdf_bitmask_cannot_be_exported(ref_lib, our_lib) -> None:
    """A bitmask on a PDF page: the page has no size, so the export fails (LabelRowError) in both libraries."""

    def run(lib):
        prog = bad.base_program("pdf")
        prog["ops"] += [
            {"op": "new_obj", "i": 5, "feat": "obj_bitmask", "hash": "H_bitmask"},
            {
                "op": "set_frames",
                "i": 5,
                "coords": bad.COORDS["bitmask"],
                "meta": bad.META,
                "frames": ["i", 1],
                "overwrite": False,
            },
            {"op": "add_obj", "i": 5},
        ]
        it = bad._base_row(lib, prog)
        return program._try(lib, it.row.to_encord_dict)

    ref, ours = run(ref_lib), run(our_lib)
    assert program.is_error(ref) and ref["error"][0] == "LabelRowError", ref
    assert program.is_error(ours) and ours["error"][0] == "LabelRowError", ours


LAX = [
    {"width": "512", "height": " 7 "},
    {"width": 512.0, "height": True},
    {"width": "1_000", "height": "-3.00"},
    {"multiframe_frame_number": "4", "height": "+6"},
    {"dicomInstanceUid": "alias", "fileUri": "alias-uri", "multiframeFrameNumber": 9},
]


@pytest.mark.parametrize("changes", LAX, ids=[json.dumps(c) for c in LAX])
def test_lax_metadata_values(changes: dict, ref_lib, our_lib) -> None:
    """Values the reference's models coerce (pydantic lax mode) read the same through both libraries."""

    def run(lib):
        prog = bad.base_program("dicom")
        it = bad._base_row(lib, prog)
        d = bad.base_dict("dicom")
        with_slice(changes)(d)
        with_series({"patientId": "alias-p"})(d)
        it.row.from_labels_dict(d)
        fv = it.row.get_frame_view(0)
        return [fv.metadata.model_dump(), fv.width, fv.height, it.row.metadata.model_dump()]

    assert run(ref_lib) == run(our_lib)
