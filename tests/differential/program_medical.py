"""Page- and slice-based rows (DICOM, NIfTI, PDF) in the differential programs: media, row set-up and queries.

PDF rows come from ``from_media_metadata`` like video and image rows. DICOM and NIfTI rows cannot (the reference
has no media metadata class for them): they are built as the reference builds rows it fetched, from a
``LabelRowMetadata`` record and a label dict holding the unit-level series metadata and per-frame slice
metadata, which are read but never written back.
"""

from __future__ import annotations

import copy
import importlib
import random
import types
from typing import Any

#: media kinds handled here; ``program.gen_program(seed, media_kind=...)`` selects one.
MEDICAL_KINDS = ("dicom", "nifti", "pdf")

FIXED_CREATED = "Mon, 01 Jan 2024 00:00:00 UTC"
FIXED_EDITED = "Tue, 02 Jan 2024 00:00:00 UTC"
_ZERO = "00000000-0000-0000-0000-000000000000"
_NO_KEY = "<no key>"


def _slices(rng: random.Random, n: int, width: int, height: int) -> dict[str, dict]:
    """Slice metadata for some frames (sizes sometimes differ from the series'), with both key spellings."""
    out = {}
    for f in sorted(rng.sample(range(n + 2), k=rng.randint(0, min(n + 2, 6)))):
        meta: dict[str, Any] = {
            "dicom_instance_uid": f"1.2.840.{f}",
            "multiframe_frame_number": rng.choice([None, f, str(f)]),
            "file_uri": f"bucket/series/{f}.dcm",
            "width": rng.choice([width, width, rng.randint(4, 24), str(width)]),
            "height": rng.choice([height, height, rng.randint(4, 24), float(height)]),
        }
        if rng.random() < 0.2:
            meta["fileUri"] = meta.pop("file_uri")
        out[str(f)] = meta
    return out


def gen_media(rng: random.Random, kind: str) -> dict:
    n = rng.randint(1, 40)
    if kind == "pdf" and rng.random() < 0.6:
        return {"kind": "pdf", "n": n, "file_size": rng.randint(1, 10**6)}
    width, height = rng.randint(4, 24), rng.randint(4, 24)
    media: dict[str, Any] = {
        "kind": kind,
        "n": n,
        "width": width,
        "height": height,
        "fps": rng.choice([None, None, 25, 12.5]),
        "duration": rng.choice([None, None, 4, 2.5]),
        "slices": _slices(rng, n, width, height) if rng.random() < 0.7 else {},
    }
    if kind == "pdf":
        # a PDF row as fetched (not from media metadata): the unit's sizes are not written back, fps is
        media.update(mime_type="application/pdf", data_link="https://x/doc.pdf", loaded=True)
    elif kind == "dicom":
        media["mime_type"] = "application/dicom"
        media["series"] = rng.choice(
            [
                None,
                {"patient_id": None, "study_uid": "1.2.3", "series_uid": "1.2.3.4"},
                {"patientId": "p-17", "studyUid": "1.2.9", "seriesUid": "1.2.9.1"},
            ]
        )
    else:
        media["mime_type"] = rng.choice(["application/nifti", "application/gzip"])
        media["data_link"] = rng.choice([_NO_KEY, None, "s3://bucket/brain.nii.gz"])
    return media


def fixed_media(kind: str) -> dict:
    """The media of the bad-input table's base rows: 10 frames of 8 x 6, DICOM with series and slice metadata."""
    if kind == "pdf":
        return {"kind": "pdf", "n": 10, "file_size": 1}
    slice_ = {
        "dicom_instance_uid": "1.2.1",
        "multiframe_frame_number": None,
        "file_uri": "s/1",
        "width": 8,
        "height": 6,
    }
    media: dict[str, Any] = {"kind": kind, "n": 10, "width": 8, "height": 6, "fps": None, "duration": None}
    media["slices"] = {"0": slice_, "4": {**slice_, "width": 5, "height": 4}}
    if kind == "dicom":
        media["mime_type"] = "application/dicom"
        media["series"] = {"patient_id": "p", "study_uid": "1.2", "series_uid": "1.2.3"}
    else:
        media["mime_type"] = "application/nifti"
        media["data_link"] = "s3://b/x.nii"
    return media


def frame_size(media: dict, frame: int) -> tuple[int, int]:
    """The size a bitmask on ``frame`` must have: a DICOM slice's own size where it has one. (PDF pages have no
    size: any bitmask on one fails to export, in both libraries.)"""
    if media["kind"] == "pdf":
        return media.get("width", 6), media.get("height", 5)
    s = media.get("slices", {}).get(str(frame)) if media["kind"] == "dicom" else None
    if s is not None:
        return int(s["width"]), int(float(s["height"]))
    return media["width"], media["height"]


def _metadata_record(media: dict, branch: str) -> dict:
    """A server-shaped ``LabelRowMetadata`` record (as the fixtures' ``.metadata.json``)."""
    return {
        "label_hash": _ZERO,
        "created_at": "2024-01-01T00:00:00",
        "last_edited_at": "2024-01-02T00:00:00",
        "branch_name": branch,
        "data_hash": _ZERO,
        "dataset_hash": _ZERO,
        "dataset_title": "",
        "data_title": "",
        "data_type": media["kind"].upper(),
        "data_link": None,
        "label_status": "LABEL_IN_PROGRESS",
        "annotation_task_status": "QUEUED",
        "workflow_graph_node": None,
        "is_shadow_data": False,
        "frames_per_second": media["fps"],
        "number_of_frames": media["n"],
        "duration": media["duration"],
        "height": media["height"],
        "width": media["width"],
        "audio_sample_rate": None,
        "audio_codec": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
        "spaces": {},
        "file_type": media["mime_type"],
        "is_valid": True,
    }


def _label_dict(media: dict, branch: str) -> dict:
    unit: dict[str, Any] = {
        "data_hash": _ZERO,
        "data_title": f"{media['kind']} series",
        "data_type": media["mime_type"],
        "data_sequence": 0,
        "width": media["width"],
        "height": media["height"],
        "labels": {
            f: {"objects": [], "classifications": [], "metadata": copy.deepcopy(m)} for f, m in media["slices"].items()
        },
    }
    if media["kind"] == "dicom":
        unit["data_links"] = [f"bucket/series/{i}.dcm" for i in range(media["n"])]
        if media["series"] is not None:
            unit["metadata"] = copy.deepcopy(media["series"])
    elif media["data_link"] != _NO_KEY:
        unit["data_link"] = media["data_link"]
    return {
        "label_hash": _ZERO,
        "branch_name": branch,
        "created_at": FIXED_CREATED,
        "last_edited_at": FIXED_EDITED,
        "data_hash": _ZERO,
        "dataset_hash": _ZERO,
        "dataset_title": "",
        "data_title": "",
        "data_type": media["kind"],
        "annotation_task_status": "QUEUED",
        "object_answers": {},
        "classification_answers": {},
        "object_actions": {},
        "label_status": "LABEL_IN_PROGRESS",
        "data_units": {_ZERO: unit},
    }


def new_row(lib: types.SimpleNamespace, structure: Any, program: dict) -> Any:
    media = program["media"]
    branch = program.get("branch_name") or "main"
    holder = types.SimpleNamespace(structure=structure)
    if media["kind"] == "pdf" and not media.get("loaded"):
        pdf = importlib.import_module(f"{lib.package}.orm.storage").CustomerProvidedPdfMetadata
        kw = {"branch_name": program["branch_name"]} if program.get("branch_name") else {}
        row = lib.LabelRowV2.from_media_metadata(holder, pdf(file_size=media["file_size"], num_pages=media["n"]), **kw)
        d = row.to_encord_dict()
        d["created_at"] = FIXED_CREATED
        d["last_edited_at"] = FIXED_EDITED
        row.from_labels_dict(d)
        return row
    metadata_cls = importlib.import_module(f"{lib.package}.orm.label_row").LabelRowMetadata
    row = lib.LabelRowV2(metadata_cls.from_dict(_metadata_record(media, branch)), None, holder)
    row.from_labels_dict(_label_dict(media, branch))
    return row


def record(m: Any) -> list | None:
    """A metadata record (pydantic model) as its class name and fields."""
    return None if m is None else [type(m).__name__, m.model_dump()]


def queries(lib: types.SimpleNamespace, row: Any, program: dict, try_) -> dict:
    """The row's series metadata and every frame view's slice metadata and size (frames 0..n+1)."""
    out: dict[str, Any] = {"metadata": try_(lib, lambda: record(row.metadata))}
    out["frames_metadata"] = try_(lib, lambda: [(m.frame_number, m.width, m.height) for m in row.get_frames_metadata()])
    out["frame_metadata"] = try_(lib, lambda: row.get_frame_metadata(0).image_hash)
    n = program["media"]["n"]
    views = {}
    for f in range(min(n + 2, 45)):
        fv = try_(lib, lambda f=f: row.get_frame_view(f))
        if isinstance(fv, dict) and list(fv) == ["error"]:
            views[str(f)] = fv
            continue
        views[str(f)] = [
            try_(lib, lambda fv=fv: record(fv.metadata)),
            try_(lib, lambda fv=fv: fv.width),
            try_(lib, lambda fv=fv: fv.height),
        ]
    out["frame_views"] = views
    return out
