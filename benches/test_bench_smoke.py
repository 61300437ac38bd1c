"""Smoke run of the side-by-side benchmarks (``benches/run.py``) at a tiny scale, so the suite cannot rot.

Every operation runs in both libraries through pytest-benchmark's ``benchmark`` fixture (one fresh row per
round; with ``--benchmark-disable`` each runs once), and the generated rows must give the same
``to_encord_dict()`` JSON in labelrow and in the reference. Run with ``pytest benches --benchmark-disable``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("encord")
pytest.importorskip("orjson")
pytest.importorskip("pytest_benchmark")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate as G  # noqa: E402
import run as R  # noqa: E402

#: tiny sizes: 10-40 frames / 2-4 images
SCALE = 0.002
PROFILES = list(G.PROFILES)
SMOKE_PROFILES = ["video_5k_x20", "img_group_250"]


@pytest.fixture(scope="module")
def libs() -> dict[str, R.Lib]:
    return {n: R.Lib(n) for n in R.LIBS}


_CTX: dict[str, R.Ctx] = {}


def ctx_of(profile: str) -> R.Ctx:
    if profile not in _CTX:
        _CTX[profile] = R.make_ctx(G.generate(profile, SCALE), views=100)
    return _CTX[profile]


def _dump(d: Any) -> str:
    return json.dumps(d)  # key order and number types matter


def _strip_row_times(d: dict) -> dict:
    """Row-level timestamps of ``from_media_metadata`` rows are "now"."""
    d = dict(d)
    d["created_at"] = d["last_edited_at"] = "<now>"
    return d


@pytest.mark.parametrize("profile", PROFILES)
def test_generated_rows_equal_in_both_libraries(libs: dict[str, R.Lib], profile: str) -> None:
    ctx = ctx_of(profile)
    out = {n: lib.load(ctx.gen, ctx.blob).to_encord_dict() for n, lib in libs.items()}
    assert _dump(out["labelrow"]) == _dump(out["encord"])
    # the generator writes canonical rows: only the order of object_actions entries changes on a load
    expected = json.loads(ctx.blob)
    for d in (expected, out["encord"]):
        for v in d["object_actions"].values():
            v["actions"].sort(key=json.dumps)
    assert _dump(out["encord"]) == _dump(expected)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_shape_and_answer_kind_is_generated(profile: str) -> None:
    gen = ctx_of(profile).gen
    shapes = set()
    units = gen.labels["data_units"].values()
    for u in units:
        frames = u["labels"].values() if gen.media["kind"] == "video" else [u["labels"]]
        for fr in frames:
            shapes.update(o["shape"] for o in fr["objects"])
    if gen.media["kind"] == "video" or gen.n_frames * 5 >= len(G.SHAPES):
        assert shapes == set(G.SHAPE_NAMES)
    kinds = {type(a["answers"]).__name__ for e in gen.labels["object_answers"].values() for a in e["classifications"]}
    assert kinds >= {"list", "str"}
    assert any(e["actions"] for e in gen.labels["object_actions"].values())
    assert any(c["range"] for c in gen.labels["classification_answers"].values())


@pytest.mark.parametrize("profile", SMOKE_PROFILES)
def test_per_frame_api_build_equal_in_both_libraries(libs: dict[str, R.Lib], profile: str) -> None:
    ctx = ctx_of(profile)
    out = {
        n: _strip_row_times(R.build_via_api(lib, ctx.gen, ctx.plan, ctx.coordinates(lib)).to_encord_dict())
        for n, lib in libs.items()
    }
    assert _dump(out["labelrow"]) == _dump(out["encord"])


@pytest.mark.parametrize("profile", SMOKE_PROFILES)
def test_bulk_api_build_equals_per_frame_build(libs: dict[str, R.Lib], profile: str) -> None:
    if R.bulk_method(libs["labelrow"]) is None:
        pytest.skip("labelrow: no bulk API")
    ctx = ctx_of(profile)
    assert ctx.bulk_arrays
    ours, ref = (
        R.build_via_api(lib, ctx.gen, ctx.plan, ctx.coordinates(lib), bulk=True, arrays=ctx.bulk_arrays)
        for lib in (libs["labelrow"], libs["encord"])
    )
    assert _dump(_strip_row_times(ours.to_encord_dict())) == _dump(_strip_row_times(ref.to_encord_dict()))


OP_IDS = [op.name for op in R.OPS]


@pytest.mark.parametrize("lib_name", R.LIBS)
@pytest.mark.parametrize("op_name", OP_IDS)
@pytest.mark.parametrize("profile", SMOKE_PROFILES)
def test_operation(benchmark, libs: dict[str, R.Lib], profile: str, op_name: str, lib_name: str) -> None:
    op = next(o for o in R.OPS if o.name == op_name)
    lib = libs[lib_name]
    missing = op.missing(libs["labelrow"])
    if missing:
        pytest.skip(f"labelrow: {missing}")
    ctx = ctx_of(profile)
    benchmark.group = f"{profile}: {op_name}"

    def setup() -> tuple[tuple, dict]:
        row = lib.load(ctx.gen, ctx.blob)
        return (row,), {}

    benchmark.pedantic(lambda row: op.fn(lib, ctx, lambda: row), setup=setup, rounds=2, iterations=1)


@pytest.mark.parametrize("lib_name", R.LIBS)
def test_orjson_floor_and_bitmask(benchmark, libs: dict[str, R.Lib], lib_name: str) -> None:
    ctx = ctx_of("video_5k_x20")
    import orjson

    assert orjson.loads(ctx.blob) == ctx.gen.labels
    masks = G.random_masks(64, 48, 3, seed=1)
    B = libs[lib_name].BitmaskCoordinates
    benchmark(lambda: [B.from_dict(B(m).to_dict()).to_numpy_array() for m in masks])
    for m in masks:
        assert (B.from_dict(B(m).to_dict()).to_numpy_array() == m).all()
    rle = {n: [lib.BitmaskCoordinates(m).to_dict() for m in masks] for n, lib in libs.items()}
    assert rle["labelrow"] == rle["encord"]


def test_runner_end_to_end(tmp_path: Path) -> None:
    """The one command, at a tiny scale: table, JSON and the memory child processes."""
    out = tmp_path / "results.json"
    code = R.main(
        [
            "--profiles",
            "video_5k_x20",
            R.BITMASK_PROFILE,
            "--scale",
            str(SCALE),
            "--repeat",
            "2",
            "--ref-repeat",
            "1",
            "--views",
            "100",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    payload = json.loads(out.read_text())
    ops = {r["operation"] for r in payload["results"]}
    assert {op.name for op in R.OPS} <= ops
    assert {"orjson.loads (floor)", "bitmask encode", "bitmask decode", "memory: RSS held by loaded row"} <= ops
    for r in payload["results"]:
        assert "MISMATCH" not in r["note"] + r["labelrow"]["note"] + r["reference"]["note"], r
        assert not r["labelrow"]["note"].startswith("error"), r
        assert not r["reference"]["note"].startswith("error"), r
    assert payload["table"].startswith("| profile | operation | labelrow | reference | ref/labelrow | note |")
    by_op = {(r["profile"], r["operation"]): r for r in payload["results"]}
    load = by_op[("video_5k_x20", "from_labels_dict")]
    assert (len(load["labelrow"]["samples"]), len(load["reference"]["samples"])) == (2, 1)
    assert len(by_op[("video_5k_x20", "orjson.dumps (floor)")]["labelrow"]["samples"]) == 2
    assert payload["meta"]["ref_repeat"] == 1
