"""Differential test: random API programs run on the reference and on labelrow must agree.

For every seed: (a) the program's per-op outcomes, ``to_encord_dict()`` and the query results must be equal;
(b) the reference's exported dict loaded into a fresh labelrow row and re-exported (plus queries on that
parsed row) must equal the same round trip through the reference; (c) on a failure of (a), labelrow's dict
is also loaded into a fresh reference row, and the report says whether the difference survives that.
(Round trips are compared with round trips, never with the input: ``object_actions`` order flips and answer
``manualAnnotation`` becomes true on every parse, label-row.md §12.)

Replay one seed: ``python tests/differential/program.py --diff SEED`` (``--show SEED`` prints the program).
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

N_SEEDS = int(os.environ.get("LABELROW_DIFF_SEEDS", "1000"))
SEED_START = int(os.environ.get("LABELROW_DIFF_SEED_START", "0"))
CHUNK = 25
N_CHUNKS = max(1, math.ceil(N_SEEDS / CHUNK))
MAX_REPORTS = 3


def chunk_seeds(chunk: int) -> range:
    lo = SEED_START + chunk * CHUNK
    return range(lo, min(lo + CHUNK, SEED_START + N_SEEDS))


def check_seed(seed: int) -> str | None:
    """None when the seed passes, else a human-readable report."""
    head = f"seed {seed} (replay: python tests/differential/program.py --diff {seed})"
    try:
        return program.check_program(program.gen_program(seed), head)
    except BaseException as e:  # a panic or a harness error must become a readable failure
        if isinstance(e, KeyboardInterrupt):
            raise
        return f"{head}\nCRASH {type(e).__name__}: {e}\n{traceback.format_exc()[-3000:]}"


def run_chunk(chunk: int) -> list[tuple[int, str]]:
    out = []
    for seed in chunk_seeds(chunk):
        rep = check_seed(seed)
        if rep is not None:
            out.append((seed, rep))
    return out


class _Runner:
    """Runs all chunks in a process pool (started on first use); each test waits for its own chunk."""

    def __init__(self) -> None:
        workers = int(os.environ.get("LABELROW_DIFF_WORKERS", str(min(4, os.cpu_count() or 1))))
        self.futures: dict[int, Future] = {}
        self.pool = None
        if workers > 1 and N_CHUNKS > 1 and "fork" in multiprocessing.get_all_start_methods():
            # import both libraries before forking so children inherit them
            program.load_lib("encord")
            program.load_lib("labelrow")
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            for c in range(N_CHUNKS):
                self.futures[c] = self.pool.submit(run_chunk, c)

    def result(self, chunk: int) -> list[tuple[int, str]]:
        if self.pool is None:
            return run_chunk(chunk)
        return self.futures[chunk].result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def runner(ref_lib, our_lib):
    r = _Runner()
    yield r
    r.close()


@pytest.mark.parametrize("chunk", range(N_CHUNKS))
def test_programs(chunk: int, runner: _Runner) -> None:
    failures = runner.result(chunk)
    if failures:
        seeds = [s for s, _ in failures]
        reports = "\n\n".join(rep for _, rep in failures[:MAX_REPORTS])
        pytest.fail(f"{len(failures)} diverging seed(s) {seeds}\n\n{reports}", pytrace=False)


def test_harness_is_deterministic(ref_lib) -> None:
    """The reference run twice gives byte-identical results, with no "now" timestamps anywhere."""
    for seed in range(SEED_START, SEED_START + 5):
        prog = program.gen_program(seed)
        a = program.run_program(ref_lib, prog)
        b = program.run_program(ref_lib, prog)
        assert program.dumps(a) == program.dumps(b), seed
        assert program.find_now_timestamps(a) == [], seed
        assert program.dumps(prog) == program.dumps(program.gen_program(seed))


def test_ontology_build_modes_agree(ref_lib) -> None:
    """``from_dict`` and the ``add_*`` API produce the same ontology for the generated structures."""
    for seed in range(SEED_START, SEED_START + 20):
        prog = program.gen_program(seed)
        a = program.build_ontology(ref_lib, prog["ontology"], "api").to_dict()
        b = program.build_ontology(ref_lib, prog["ontology"], "dict").to_dict()
        assert program.dumps(a) == program.dumps(b), seed
