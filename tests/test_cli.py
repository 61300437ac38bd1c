"""The `labelrow inspect` command on the bundled example and on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labelrow.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_inspect_example(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["inspect", str(EXAMPLES / "video_row.json"), "--ontology", str(EXAMPLES / "ontology.json")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "data type:        video" in out
    assert "frames:           200" in out
    assert "7 (440 object-frame annotations)" in out
    assert "Car" in out and "240 annotations" in out
    assert "validation:       valid" in out


def test_example_is_current() -> None:
    """The committed example equals what make_examples.py produces now (same bytes after a round trip)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        import make_examples

        ontology, labels = make_examples.build()
    finally:
        sys.path.pop(0)
    assert json.loads((EXAMPLES / "ontology.json").read_text()) == ontology
    assert json.loads((EXAMPLES / "video_row.json").read_text()) == labels


def test_bad_label_file_fails_with_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = json.loads((EXAMPLES / "video_row.json").read_text())
    del labels["data_units"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(labels))
    rc = main(["inspect", str(bad), "--ontology", str(EXAMPLES / "ontology.json")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "data_units" in err


def test_unknown_feature_hash_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = json.loads((EXAMPLES / "video_row.json").read_text())
    unit = next(iter(labels["data_units"].values()))
    first = next(iter(unit["labels"].values()))
    first["objects"][0]["featureHash"] = "nope"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(labels))
    assert main(["inspect", str(bad), "--ontology", str(EXAMPLES / "ontology.json")]) == 2
    assert "nope" in capsys.readouterr().err


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(SystemExit, match="not valid JSON"):
        main(["inspect", str(bad), "--ontology", str(EXAMPLES / "ontology.json")])
    with pytest.raises(SystemExit, match="cannot read"):
        main(["inspect", str(tmp_path / "missing.json"), "--ontology", str(EXAMPLES / "ontology.json")])


def test_console_script_exit_code() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "labelrow.cli",
            "inspect",
            str(EXAMPLES / "video_row.json"),
            "--ontology",
            "/nonexistent",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "cannot read ontology" in proc.stderr
