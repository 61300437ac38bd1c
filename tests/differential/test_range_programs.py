"""Differential test of range-based rows (audio, plain text, HTML, time series): random API programs run on the
reference and on labelrow (see ``range_program.py``) must agree on every op's outcome, ``to_encord_dict()`` and
the read queries; the reference's dict loaded into labelrow must round-trip as in the reference; labelrow's dict
must load into the reference as the reference's own does; and the JSON bytes path must equal the dict path.

Replay one seed: ``python tests/differential/range_program.py SEED``.
"""

from __future__ import annotations

import os
import traceback

import pytest

pytest.importorskip("encord")

import range_program

N_SEEDS = int(os.environ.get("LABELROW_RANGE_SEEDS", "400"))
CHUNK = 50
MAX_REPORTS = 3


def check_seed(seed: int) -> str | None:
    head = f"seed {seed} (replay: python tests/differential/range_program.py {seed})"
    try:
        return range_program.check_range_program(range_program.gen_range_program(seed), head)
    except Exception as e:  # a harness error or a crash must become a readable failure
        return f"{head}\nCRASH {type(e).__name__}: {e}\n{traceback.format_exc()[-3000:]}"


@pytest.mark.parametrize("chunk", range(max(1, -(-N_SEEDS // CHUNK))))
def test_range_programs(chunk: int, ref_lib, our_lib) -> None:
    failures = []
    for seed in range(chunk * CHUNK, min((chunk + 1) * CHUNK, N_SEEDS)):
        rep = check_seed(seed)
        if rep is not None:
            failures.append((seed, rep))
    if failures:
        reports = "\n\n".join(rep for _, rep in failures[:MAX_REPORTS])
        pytest.fail(f"{len(failures)} diverging seed(s) {[s for s, _ in failures]}\n\n{reports}", pytrace=False)


def test_programs_exercise_every_kind(ref_lib) -> None:
    """The generator reaches every data type, and its programs leave range objects on the rows."""
    seen: dict[str, int] = {}
    for seed in range(40):
        prog = range_program.gen_range_program(seed)
        result = range_program.run_range_program(ref_lib, prog)
        if not range_program.is_error(result["dict"]):
            seen[prog["media"]["kind"]] = seen.get(prog["media"]["kind"], 0) + len(result["dict"]["object_answers"])
    assert set(seen) == set(range_program.KINDS)
    assert all(n > 0 for n in seen.values()), seen
