"""`from_labels_dict` on two threads (the frames of the Python dict walked on the calling thread while a second
thread parses the ones already walked) gives exactly what the one-thread load gives: the same row, and for bad
input the same exception (class and message) with the row left as it was. Rows come from the benchmark
generator (every shape and answer kind, video and image groups) and from the differential program generator;
the bad inputs put a failure (a value the walk refuses, a geometry the parse refuses, or both) at chosen frames.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from labelrow import _core
from labelrow.exceptions import LabelRowError, LabelRowTypeError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benches"))
sys.path.insert(0, str(ROOT / "tests" / "differential"))
try:
    import generate as G
    import run as R
    from conftest import mask_now
finally:
    del sys.path[:2]

LIB = R.Lib("labelrow")


@contextmanager
def pipelined(enabled: bool) -> Iterator[None]:
    before = _core.set_pipelined_loads(enabled)
    try:
        yield
    finally:
        _core.set_pipelined_loads(before)


def load(gen: Any, labels: dict, enabled: bool, row: Any = None) -> tuple[Any, Any]:
    """The row after loading `labels` (or the exception), with two-thread loads on or off; into `row` if given
    (a new row of an image group loads its empty labels)."""
    row = LIB.new_row(gen.ontology, gen.media) if row is None else row
    with pipelined(enabled):
        try:
            row.from_labels_dict(labels)
        except Exception as e:
            return row, e
    return row, None


def state(row: Any) -> Any:
    """What a row holds: its label dict, or the exception asking for it raises (a row never loaded)."""
    try:
        return mask_now(row.to_encord_dict())
    except Exception as e:
        return (type(e), e.args)


def new_rows(gen: Any) -> list[Any]:
    """Two new rows (a new image-group row loads its empty labels, counted in `pipelined_load_counts()`)."""
    return [LIB.new_row(gen.ontology, gen.media) for _ in range(2)]


def both(gen: Any, labels: dict, rows: list[Any] | None = None) -> tuple[Any, Any]:
    """Loads on one and on two threads (into `rows` if given); asserts they agree (the exception, or the row) and
    returns (row, exception) of the two-thread load."""
    rows = new_rows(gen) if rows is None else rows
    one, err_one = load(gen, copy.deepcopy(labels), False, rows[0])
    two, err_two = load(gen, labels, True, rows[1])
    assert type(err_two) is type(err_one), (err_one, err_two)
    assert err_two is None or err_two.args == err_one.args
    assert state(two) == state(one)
    return two, err_two


PROFILES = [("video_5k_x20", 0.01), ("video_5k_x1000_short", 0.004), ("img_group_500", 0.05)]


@pytest.mark.parametrize(("profile", "scale"), PROFILES)
@pytest.mark.parametrize("seed", range(3))
def test_generated_rows_load_the_same_on_two_threads(profile: str, scale: float, seed: int) -> None:
    gen = G.generate(profile, scale=scale, seed=seed)
    row, err = both(gen, gen.labels)
    assert err is None
    # Not a vacuous comparison: the row holds the generated objects.
    assert len(row.get_object_instances()) == len(gen.labels["object_answers"])


@pytest.mark.parametrize(("profile", "scale"), PROFILES)
def test_well_formed_rows_finish_on_two_threads(profile: str, scale: float) -> None:
    """The two-thread load answers by itself: giving up and redoing the load on one thread gives the same row,
    so only this count shows a parse that reads the deferred values out of the walk's order."""
    gen = G.generate(profile, scale=scale, seed=1)
    row = LIB.new_row(gen.ontology, gen.media)
    finished, gave_up = _core.pipelined_load_counts()
    with pipelined(True):
        row.from_labels_dict(gen.labels)
    assert _core.pipelined_load_counts() == (finished + 1, gave_up)


def _frames(labels: dict) -> list[tuple[dict, str]]:
    """(labels dict of a unit, key) of every frame (video) or image's `objects` list (image group), in order."""
    out = []
    for unit in labels["data_units"].values():
        if "objects" in unit["labels"]:
            out.append((unit["labels"], "objects"))
        else:
            out.extend((unit["labels"], k) for k in unit["labels"])
    return out


def _objects(labels: dict, i: int) -> list[dict]:
    holder, key = _frames(labels)[i]
    v = holder[key]
    return v if isinstance(v, list) else v["objects"]


def walk_refuses(labels: dict, i: int) -> None:
    """A value no label dict may hold (the walk raises TypeError for it)."""
    _objects(labels, i)[0]["confidence"] = object()


def parse_refuses(labels: dict, i: int) -> None:
    """A geometry key of the wrong shape (the parse raises LabelRowError, naming the frame)."""
    entry = _objects(labels, i)[0]
    for key in ("boundingBox", "rotatableBoundingBox", "polygon", "polyline", "point", "skeleton", "bitmask"):
        entry.pop(key, None)
    entry["shape"] = "bounding_box"
    entry["boundingBox"] = "not a box"


BREAKS: list[tuple[str, Callable[[dict, int], None]]] = [("walk", walk_refuses), ("parse", parse_refuses)]


@pytest.mark.parametrize(("profile", "scale"), PROFILES)
@pytest.mark.parametrize(("what", "brk"), BREAKS)
@pytest.mark.parametrize("where", ["first", "early", "middle", "last"])
def test_a_bad_frame_fails_the_same_on_two_threads(
    profile: str, scale: float, what: str, brk: Callable[[dict, int], None], where: str
) -> None:
    gen = G.generate(profile, scale=scale, seed=7)
    labels = copy.deepcopy(gen.labels)
    frames = [i for i in range(len(_frames(labels))) if _objects(labels, i)]
    at = {"first": frames[0], "early": frames[2], "middle": frames[len(frames) // 2], "last": frames[-1]}[where]
    brk(labels, at)
    _, err = both(gen, labels)
    assert isinstance(err, TypeError if what == "walk" else LabelRowError), err
    assert "unsupported value" in str(err) if what == "walk" else "objects[0]" in str(err)


@pytest.mark.parametrize(("profile", "scale"), PROFILES)
@pytest.mark.parametrize("gap", [1, 3, 40])
def test_the_first_failure_in_frame_order_is_the_answer(profile: str, scale: float, gap: int) -> None:
    """A frame the parse refuses before a frame the walk refuses: the walk (on the calling thread) may reach the
    later frame first, but the answer is the earlier frame's error, as on one thread; and the other way round."""
    gen = G.generate(profile, scale=scale, seed=11)
    frames = [i for i in range(len(_frames(gen.labels))) if _objects(gen.labels, i)]
    for first, second in ((parse_refuses, walk_refuses), (walk_refuses, parse_refuses)):
        labels = copy.deepcopy(gen.labels)
        a = frames[1]
        b = frames[min(len(frames) - 1, 1 + gap)]
        second(labels, b)
        first(labels, a)
        _, err = both(gen, labels)
        # The earlier frame's failure: on the walk a TypeError, on the parse a LabelRowError.
        assert isinstance(err, LabelRowError if first is parse_refuses else TypeError), err


ANSWERS = ["object_answers", "object_actions", "classification_answers"]


def _answers_entry(labels: dict, key: str) -> dict:
    """The middle entry of a top-level answers dict (they are walked after the frames, see `Place::Answers`)."""
    entries = list(labels[key].values())
    assert entries, key
    return entries[len(entries) // 2]


@pytest.mark.parametrize(("profile", "scale"), [("video_5k_x20", 0.01), ("img_group_500", 0.05)])
@pytest.mark.parametrize("key", ANSWERS)
@pytest.mark.parametrize("what", ["walk", "parse"])
def test_a_bad_answers_entry_fails_the_same_on_two_threads(profile: str, scale: float, key: str, what: str) -> None:
    gen = G.generate(profile, scale=scale, seed=5)
    labels = copy.deepcopy(gen.labels)
    if not labels[key]:
        pytest.skip(f"the generated {profile} row has no {key}")
    entry = _answers_entry(labels, key)
    if what == "walk":
        entry["extra"] = object()
    else:
        entry["actions" if key == "object_actions" else "classifications"] = 5
    _, err = both(gen, labels)
    if what == "walk":
        assert isinstance(err, TypeError) and "unsupported value" in str(err), err
    else:
        field = "actions" if key == "object_actions" else "classifications"
        assert isinstance(err, LabelRowTypeError), err
        assert f"label_row.{key}[" in str(err) and f"].{field}: expected a list" in str(err), err


@pytest.mark.parametrize(("profile", "scale"), [("video_5k_x20", 0.01), ("img_group_500", 0.05)])
def test_a_bad_frame_comes_before_a_bad_answers_entry(profile: str, scale: float) -> None:
    """The answers dicts are read after every unit: a frame the parse refuses is the error even where an answers
    entry holds a value the walk refuses, on one thread and on two."""
    gen = G.generate(profile, scale=scale, seed=9)
    labels = copy.deepcopy(gen.labels)
    frames = [i for i in range(len(_frames(labels))) if _objects(labels, i)]
    parse_refuses(labels, frames[-1])
    _answers_entry(labels, "object_answers")["extra"] = object()
    _, err = both(gen, labels)
    assert isinstance(err, LabelRowError) and "objects[0]" in str(err), err


def test_answers_are_loaded_the_same_on_two_threads() -> None:
    """Rows with every answers dict non-empty: the objects' static answers and actions and the classifications
    come through the deferred walk identically."""
    gen = G.generate("img_group_500", scale=0.05, seed=2)
    assert all(gen.labels[k] for k in ANSWERS)
    row, err = both(gen, gen.labels)
    assert err is None
    d = row.to_encord_dict()
    assert len(d["object_answers"]) == len(gen.labels["object_answers"])
    assert len(d["classification_answers"]) == len(gen.labels["classification_answers"])


def test_a_value_the_parse_skips_is_not_walked_on_either_path() -> None:
    """An image's frame-level `classifications` list is never read: a value in it that the walk would refuse
    does not fail the load on two threads either (the load falls back to the one-thread walk)."""
    gen = G.generate("img_group_500", scale=0.05, seed=3)
    labels = copy.deepcopy(gen.labels)
    unit = list(labels["data_units"].values())[1]
    unit["labels"]["classifications"] = [{"bad": object()}]
    row, err = both(gen, labels)
    assert err is None
    assert row.get_object_instances()


def test_failed_load_keeps_the_row_it_replaced() -> None:
    gen = G.generate("video_5k_x20", scale=0.01, seed=5)
    row = LIB.new_row(gen.ontology, gen.media)
    row.from_labels_dict(copy.deepcopy(gen.labels))
    before = row.to_encord_dict()
    bad = copy.deepcopy(gen.labels)
    walk_refuses(bad, len(_frames(bad)) // 2)
    with pipelined(True), pytest.raises(TypeError):
        row.from_labels_dict(bad)
    assert row.to_encord_dict() == before


def test_switch_reports_the_previous_setting() -> None:
    before = _core.set_pipelined_loads(False)
    try:
        assert _core.set_pipelined_loads(True) is False
        assert _core.set_pipelined_loads(True) is True
    finally:
        _core.set_pipelined_loads(before)


def _counts_after(gen: Any, labels: dict) -> tuple[tuple[int, int], tuple[Any, Any]]:
    """How many two-thread loads finished and gave up while `both` loaded `labels`, and what `both` returned."""
    rows = new_rows(gen)
    finished, gave_up = _core.pipelined_load_counts()
    out = both(gen, labels, rows)
    done, redone = _core.pipelined_load_counts()
    return (done - finished, redone - gave_up), out


TEXTS = [
    pytest.param("café ñ", id="latin-1"),
    pytest.param("标注 — ломать", id="ucs2"),
    pytest.param("rocket \U0001f680 \U00010348", id="ucs4"),
    pytest.param("plain ascii", id="ascii"),
]


@pytest.mark.parametrize(("profile", "scale"), [("video_5k_x20", 0.01), ("img_group_500", 0.05)])
@pytest.mark.parametrize("text", TEXTS)
def test_text_of_every_width_loads_on_two_threads(profile: str, scale: float, text: str) -> None:
    """Strings of each CPython storage width (1, 2 and 4 bytes per character), in frames, keys and answers, are
    read on both threads without CPython's help: the load finishes there, with the one-thread row."""
    gen = G.generate(profile, scale=scale, seed=4)
    labels = copy.deepcopy(gen.labels)
    frames = [i for i in range(len(_frames(labels))) if _objects(labels, i)]
    for i in frames[:: max(1, len(frames) // 7)]:
        entry = _objects(labels, i)[0]
        entry["createdBy"] = f"{text}@example.com"
        entry[f"extra {text}"] = [text, {text: text}]
    for entry in list(labels["object_answers"].values())[:3]:
        entry[f"note {text}"] = text
    counts, (row, err) = _counts_after(gen, labels)
    assert counts == (1, 0)
    assert err is None
    creators = {a.created_by for o in row.get_object_instances() for a in o.get_annotations()}
    assert f"{text}@example.com" in creators


@pytest.mark.parametrize(("profile", "scale"), [("video_5k_x20", 0.01), ("img_group_500", 0.05)])
def test_a_lone_surrogate_fails_the_same_on_two_threads(profile: str, scale: float) -> None:
    """UTF-8 cannot hold a lone surrogate: the two-thread load gives up and the one-thread walk raises."""
    gen = G.generate(profile, scale=scale, seed=4)
    labels = copy.deepcopy(gen.labels)
    frames = [i for i in range(len(_frames(labels))) if _objects(labels, i)]
    _objects(labels, frames[len(frames) // 2])[0]["createdBy"] = "bad \ud800 text"
    counts, (_, err) = _counts_after(gen, labels)
    assert counts == (0, 1)
    assert isinstance(err, UnicodeEncodeError), err


class _Dict(dict):
    pass


class _Float(float):
    pass


NOT_PLAIN: list[Any] = [
    pytest.param(lambda e: e.update(confidence=_Float(0.5)), id="float-subclass"),
    pytest.param(lambda e: e.update(extra=(1, 2, 3)), id="tuple"),
    pytest.param(lambda e: e.update(extra=_Dict(a=1)), id="dict-subclass"),
    pytest.param(lambda e: e.update(extra={1: "int key"}), id="int-key"),
    pytest.param(lambda e: e.update(extra=2**70), id="big-int"),
    pytest.param(lambda e: e.update(extra=float("nan")), id="nan"),
]


@pytest.mark.parametrize(("profile", "scale"), [("video_5k_x20", 0.01), ("img_group_500", 0.05)])
@pytest.mark.parametrize("change", NOT_PLAIN)
def test_a_value_only_the_python_walk_reads_loads_the_same(
    profile: str, scale: float, change: Callable[[dict], None]
) -> None:
    """Subclasses, tuples, non-`str` keys, ints beyond 64 bits and non-finite floats are read (or refused) by the
    one-thread walk only: the two-thread load gives up, and the answer is the one-thread answer."""
    gen = G.generate(profile, scale=scale, seed=6)
    labels = copy.deepcopy(gen.labels)
    frames = [i for i in range(len(_frames(labels))) if _objects(labels, i)]
    change(_objects(labels, frames[-2])[0])
    assert _counts_after(gen, labels)[0] == (0, 1)


def test_values_nothing_reads_do_not_stop_the_two_thread_load() -> None:
    """An object entry's `color` and `value` are never read (the export takes them from the ontology): odd values
    there do not send the load back to one thread."""
    gen = G.generate("video_5k_x20", scale=0.01, seed=8)
    labels = copy.deepcopy(gen.labels)
    for i in range(len(_frames(labels))):
        for entry in _objects(labels, i):
            entry["color"] = (1, 2, 3)
            entry["value"] = object()
    assert _counts_after(gen, labels)[0] == (1, 0)


def test_a_thread_changing_the_dict_meanwhile_never_meets_a_load_half_way() -> None:
    """The calling thread keeps the GIL for the whole load (both threads read the dict's objects without
    references of their own), so another Python thread changing the label dict (frames removed and put back,
    values replaced) runs only between loads: every load finishes, with every object."""
    import threading

    gen = G.generate("video_5k_x20", scale=0.01, seed=12)
    labels = copy.deepcopy(gen.labels)
    unit = next(iter(labels["data_units"].values()))
    frames = unit["labels"]
    keys = list(frames)
    stop = threading.Event()
    changes = [0]

    def churn() -> None:
        i = 0
        while not stop.is_set():
            k = keys[i % len(keys)]
            v = frames.pop(k)
            frames[k] = v
            for entry in v["objects"]:
                entry["confidence"] = (i % 7) / 7
            i += 1
            changes[0] = i

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    worker = threading.Thread(target=churn)
    worker.start()
    try:
        finished, gave_up = _core.pipelined_load_counts()
        with pipelined(True):
            seen = []
            for _ in range(12):
                row = LIB.new_row(gen.ontology, gen.media)
                row.from_labels_dict(labels)
                assert len(row.get_object_instances()) == len(labels["object_answers"])
                seen.append(changes[0])
        # The other thread did run between the loads, and every load ran on two threads.
        assert len(set(seen)) > 1, seen
        assert _core.pipelined_load_counts() == (finished + 12, gave_up)
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(before)
