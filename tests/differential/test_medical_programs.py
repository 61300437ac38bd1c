"""Differential test of page- and slice-based rows (DICOM, NIfTI, PDF): random API programs on both libraries.

The programs are those of ``test_api_programs.py`` (same checks (a), (b), (c)) on rows of one media kind each:
PDF rows from ``from_media_metadata``, DICOM and NIfTI rows loaded from a label dict with series and slice
metadata (``program_medical.py``). The queries add the row's ``metadata`` and every frame view's ``metadata``,
``width`` and ``height``.

Replay one seed: ``python tests/differential/program.py --diff dicom:SEED``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import traceback
from concurrent.futures import Future, ProcessPoolExecutor

import pytest

pytest.importorskip("encord")

import program
import program_medical

N_SEEDS = int(os.environ.get("LABELROW_DIFF_MEDICAL_SEEDS", "120"))
CHUNK = 30
N_CHUNKS = max(1, math.ceil(N_SEEDS / CHUNK))
MAX_REPORTS = 3
JOBS = [(kind, c) for kind in program_medical.MEDICAL_KINDS for c in range(N_CHUNKS)]


def check_seed(kind: str, seed: int) -> str | None:
    head = f"{kind} seed {seed} (replay: python tests/differential/program.py --diff {kind}:{seed})"
    try:
        return program.check_program(program.gen_program(seed, kind), head)
    except BaseException as e:  # a panic or a harness error must become a readable failure
        if isinstance(e, KeyboardInterrupt):
            raise
        return f"{head}\nCRASH {type(e).__name__}: {e}\n{traceback.format_exc()[-3000:]}"


def run_job(kind: str, chunk: int) -> list[tuple[int, str]]:
    out = []
    for seed in range(chunk * CHUNK, min((chunk + 1) * CHUNK, N_SEEDS)):
        rep = check_seed(kind, seed)
        if rep is not None:
            out.append((seed, rep))
    return out


@pytest.fixture(scope="module")
def jobs(ref_lib, our_lib):
    workers = int(os.environ.get("LABELROW_DIFF_WORKERS", str(min(4, os.cpu_count() or 1))))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures: dict[tuple[str, int], Future] = {job: pool.submit(run_job, *job) for job in JOBS}
        yield futures
        pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize(("kind", "chunk"), JOBS)
def test_medical_programs(kind: str, chunk: int, jobs) -> None:
    failures = run_job(kind, chunk) if jobs is None else jobs[(kind, chunk)].result()
    if failures:
        seeds = [s for s, _ in failures]
        reports = "\n\n".join(rep for _, rep in failures[:MAX_REPORTS])
        pytest.fail(f"{kind}: {len(failures)} diverging seed(s) {seeds}\n\n{reports}", pytrace=False)


@pytest.mark.parametrize("kind", program_medical.MEDICAL_KINDS)
def test_medical_programs_exercise_the_metadata(kind: str, ref_lib) -> None:
    """The generated rows do carry what these tests are about (else the comparison above proves little)."""
    series = slices = labelled = 0
    for seed in range(20):
        prog = program.gen_program(seed, kind)
        r = program.run_program(ref_lib, prog)
        med = r["queries"]["medical"]
        series += med["metadata"] is not None
        slices += any(isinstance(v, list) and v[0] is not None for v in med["frame_views"].values())
        d = r["dict"]
        labelled += not program.is_error(d) and bool(next(iter(d["data_units"].values()))["labels"])
    assert labelled >= 10, labelled
    if kind == "dicom":
        assert series >= 5 and slices >= 5, (series, slices)
    if kind in ("nifti", "pdf"):
        # slice metadata is read on every multi-frame type (PDF rows loaded from a dict carry some)
        assert series == 0 and slices >= 3, (series, slices)
