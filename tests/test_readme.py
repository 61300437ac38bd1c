"""The README's quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_quick_start_runs() -> None:
    text = README.read_text()
    section = text[text.index("## Quick start") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict = {}
    exec(compile(code.group(1), "README quick start", "exec"), namespace)
    labels = namespace["labels"]
    assert labels["data_type"] == "video"
    assert len(next(iter(labels["data_units"].values()))["labels"]) == 10
