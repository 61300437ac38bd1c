"""The JSON bytes path: `to_json()` has the content of `to_encord_dict()`, `from_json()` reads what
`from_labels_dict()` reads (checked on the reference's fixture rows and on random API-built rows)."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from pathlib import Path

import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects import LabelRowV2, OntologyStructure
from labelrow.orm.label_row import LabelRowMetadata

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
DATA_TYPES = {"video", "image", "img_group", "dicom"}


def fixture_stems() -> list[str]:
    if not FIXTURES.is_dir():
        return []
    manifest = json.loads((FIXTURES / "MANIFEST.json").read_text())
    return [f["name"] for f in manifest["fixtures"] if f["data_type"] in DATA_TYPES]


def fixture_row(stem: str) -> tuple[LabelRowV2, dict]:
    structure = OntologyStructure.from_dict(json.loads((FIXTURES / f"{stem}.ontology.json").read_text()))
    meta = LabelRowMetadata.from_dict(json.loads((FIXTURES / f"{stem}.metadata.json").read_text()))
    return LabelRowV2(meta, None, structure), json.loads((FIXTURES / f"{stem}.labels.json").read_text())


def without_now(d: dict) -> dict:
    """Timestamps a parse fills in with "now" differ between two parses a second apart."""
    text = json.dumps(d)
    for v in {e.get("lastEditedAt") for e in _entries(d)} - {None}:
        if "2023" not in v and "2022" not in v and "2021" not in v:
            text = text.replace(v, "<now>")
    return json.loads(text)


def _entries(d: dict) -> list[dict]:
    out = []
    for unit in d["data_units"].values():
        labels = unit["labels"]
        blobs = [labels] if "objects" in labels else list(labels.values())
        for blob in blobs:
            out.extend(blob.get("objects", []))
    return out


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures is not present on this machine")
@pytest.mark.parametrize("stem", fixture_stems())
def test_json_path_matches_dict_path(stem: str) -> None:
    by_dict, labels = fixture_row(stem)
    by_dict.from_labels_dict(labels)
    by_json, _ = fixture_row(stem)
    by_json.from_json(json.dumps(labels).encode())
    expected = by_dict.to_encord_dict()
    assert json.loads(by_dict.to_json()) == expected
    assert json.dumps(without_now(by_json.to_encord_dict())) == json.dumps(without_now(expected))
    assert json.dumps(json.loads(by_json.to_json())) == json.dumps(by_json.to_encord_dict())


def test_random_rows_json_equals_dict() -> None:
    sys.path.insert(0, str(Path(__file__).parent / "differential"))
    try:
        import program
    finally:
        sys.path.pop(0)
    lib = program.load_lib("labelrow")
    for seed in range(60):
        prog = program.gen_program(seed)
        it = program._Interp(lib, prog)
        for op in prog["ops"]:
            with contextlib.suppress(Exception):
                it.run_op(op)
        try:
            expected = it.row.to_encord_dict()
        except LabelRowError:
            continue
        assert json.dumps(json.loads(it.row.to_json())) == json.dumps(expected), seed
        again = program.new_row(lib, it.structure, prog)
        again.from_json(it.row.to_json())
        assert json.dumps(again.to_encord_dict()) == json.dumps(program.parse_and_export(lib, prog, expected)["dict"])


def test_bad_json_is_a_clear_error() -> None:
    from labelrow.orm.storage import CustomerProvidedImageMetadata

    row = LabelRowV2.from_media_metadata(
        OntologyStructure(), CustomerProvidedImageMetadata(mime_type="image/png", file_size=1, width=2, height=2)
    )
    before = row.to_json()
    with pytest.raises(LabelRowError, match="invalid label row JSON"):
        row.from_json(b"{not json")
    with pytest.raises(KeyError, match="data_units"):
        row.from_json(json.dumps({k: v for k, v in json.loads(before).items() if k != "data_units"}))
    assert row.to_json() == before
    labels = json.loads(before)
    labels["created_at"] = "Feb 9 2023"  # only the general (dateutil) parser reads this
    row.from_json(json.dumps(labels))
    assert row.to_encord_dict()["created_at"] == "Thu, 09 Feb 2023 00:00:00 UTC"


def test_loading_json_releases_the_gil() -> None:
    """Eight loads on four threads give the same rows as sequential loads (the GIL is released inside)."""
    from labelrow.orm.storage import CustomerProvidedVideoMetadata

    structure = OntologyStructure.from_dict(
        {
            "objects": [
                {"id": "1", "name": "Car", "color": "#000000", "shape": "bounding_box", "featureNodeHash": "car1"}
            ],
            "classifications": [],
        }
    )
    meta = CustomerProvidedVideoMetadata(fps=10.0, duration=50.0, width=8, height=8, file_size=1, mime_type="video/mp4")
    base = LabelRowV2.from_media_metadata(structure, meta)
    d = base.to_encord_dict()
    unit = next(iter(d["data_units"].values()))
    unit["labels"] = {
        str(f): {
            "objects": [
                {
                    "objectHash": f"o{k}",
                    "featureHash": "car1",
                    "shape": "bounding_box",
                    "createdAt": "2023-02-09 14:12:03",
                    "lastEditedAt": "2023-02-09 14:12:03",
                    "boundingBox": {"h": 0.1, "w": 0.1, "x": f / 500, "y": k / 10},
                }
                for k in range(5)
            ]
        }
        for f in range(500)
    }
    payload = json.dumps(d).encode()
    results: list[bytes] = []

    def load() -> None:
        row = LabelRowV2.from_media_metadata(structure, meta)
        row.from_json(payload)
        results.append(row.to_json())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and len(set(results)) == 1
    assert len(json.loads(results[0])["object_answers"]) == 5
