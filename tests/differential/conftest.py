"""Shared helpers of the differential suite (labelrow against the reference SDK ``encord==0.1.211``).

Environment variables:

* ``LABELROW_DIFF_SELFTEST=1`` - ``load_lib("labelrow")`` returns the reference, to validate the harness.
* ``LABELROW_DIFF_SEEDS`` (default 1000), ``LABELROW_DIFF_SEED_START`` (default 0) - programs to run.
* ``LABELROW_DIFF_WORKERS`` (default: number of CPUs, at most 4) - processes used for the programs.

Every test module calls ``pytest.importorskip("encord")`` so the directory skips cleanly without it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FIXTURES_DIR = Path(
    os.environ.get("LABELROW_FIXTURES_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "fixtures")
)


def selftest() -> bool:
    return os.environ.get("LABELROW_DIFF_SELFTEST") == "1"


@pytest.fixture(scope="session")
def ref_lib():
    pytest.importorskip("encord")
    import program

    return program.load_lib("encord")


@pytest.fixture(scope="session")
def our_lib():
    import program

    # Deliberately not a skip: this suite is the acceptance test, a missing labelrow must fail.
    return program.load_lib("labelrow")


def jdump(x: Any) -> str:
    """The comparison form: key order and number types (1 vs 1.0) matter."""
    return json.dumps(x)


def mask_path(d: Any, path: list) -> bool:
    """Replace the value at ``path`` (keys/indices) by a marker, in place; False when it does not exist."""
    cur = d
    for key in path[:-1]:
        try:
            cur = cur[key]
        except (KeyError, IndexError, TypeError):
            return False
    try:
        cur[path[-1]]
        cur[path[-1]] = "<volatile>"
    except (KeyError, IndexError, TypeError):
        return False
    return True


def unified(a: Any, b: Any, a_name: str = "expected", b_name: str = "actual", limit: int = 150) -> str:
    import difflib

    la = json.dumps(a, indent=1).splitlines()
    lb = json.dumps(b, indent=1).splitlines()
    diff = list(difflib.unified_diff(la, lb, a_name, b_name, lineterm="", n=3))
    if len(diff) > limit:
        diff = [*diff[:limit], f"... ({len(diff) - limit} more lines)"]
    return "\n".join(diff)


def exception_matches(ref_exc: BaseException, our_exc: BaseException, our_lib) -> bool:
    """``our_exc`` is an instance of the class the reference raised (encord classes mapped by name)."""
    ref_cls = type(ref_exc)
    if ref_cls.__module__.split(".")[0] == "encord":
        # walk the reference's MRO for the first class that labelrow.exceptions also defines
        import importlib

        ours_mod = importlib.import_module(f"{our_lib.package}.exceptions")
        for k in ref_cls.__mro__:
            if k.__module__.split(".")[0] == "encord" and hasattr(ours_mod, k.__name__):
                return isinstance(our_exc, getattr(ours_mod, k.__name__))
        return False
    if ref_cls.__module__.split(".")[0] in ("pydantic", "pydantic_core", "dateutil"):
        # third-party validation/parse errors: the built-in base they derive from is what callers catch
        for base in (ValueError, TypeError, KeyError):
            if isinstance(ref_exc, base):
                return isinstance(our_exc, base)
    return isinstance(our_exc, ref_cls)


def mask_now(x: Any) -> Any:
    """`x` with the date strings of the last ten minutes (stamped "now" by a call given no date) replaced by
    `"<now>"`: the reference's and labelrow's calls may fall on either side of a second."""
    if isinstance(x, str):
        try:
            when = datetime.strptime(x, "%a, %d %b %Y %H:%M:%S UTC").replace(tzinfo=UTC)
        except ValueError:
            return x
        return "<now>" if abs((datetime.now(UTC) - when).total_seconds()) < 600 else x
    if isinstance(x, list):
        return [mask_now(y) for y in x]
    if isinstance(x, dict):
        return {k: mask_now(v) for k, v in x.items()}
    return x
