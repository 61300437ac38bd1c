"""Loading reads a label dict (or JSON bytes) into a compact tree before parsing it: the forms of input that
tree has to treat exactly as a `serde_json::Value` did (repeated keys, numbers beyond 64 bits, nesting,
strings Python cannot encode, dict subclasses and other mappings, non-string keys), and the guarantee that a
failed load leaves the row as it was."""

from __future__ import annotations

import copy
import json
import types
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects import LabelRowV2, ObjectInstance, OntologyStructure
from labelrow.objects.attributes import TextAttribute
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import BoundingBoxCoordinates, PointCoordinate, PolygonCoordinates
from labelrow.orm.storage import CustomerProvidedVideoMetadata

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _structure() -> OntologyStructure:
    structure = OntologyStructure()
    car = structure.add_object("Car", Shape.BOUNDING_BOX)
    car.add_attribute(TextAttribute, "Note", feature_node_hash="note0001")
    structure.add_object("Area", Shape.POLYGON)
    return structure


STRUCTURE = _structure()
VIDEO = CustomerProvidedVideoMetadata(fps=10.0, duration=2.0, width=64, height=48, file_size=1, mime_type="video/mp4")


def new_row() -> LabelRowV2:
    return LabelRowV2.from_media_metadata(STRUCTURE, VIDEO)


def _base() -> dict:
    row = new_row()
    car, area = STRUCTURE.objects
    for i in range(3):
        box = ObjectInstance(car, object_hash=f"car{i}")
        box.set_for_frames(
            BoundingBoxCoordinates(height=0.25, width=0.5, top_left_x=0.1 * i, top_left_y=0.2),
            frames=[i, i + 5],
            created_at=WHEN,
            last_edited_at=WHEN,
            created_by="ann@example.com",
        )
        row.add_object_instance(box)
    poly = ObjectInstance(area, object_hash="area0")
    poly.set_for_frames(
        PolygonCoordinates([PointCoordinate(0.1, 0.2), PointCoordinate(0.3, 0.4), PointCoordinate(0.5, 0.1)]),
        frames=3,
        created_at=WHEN,
        last_edited_at=WHEN,
    )
    row.add_object_instance(poly)
    return row.to_encord_dict()


BASE = _base()


def loaded(d: Any) -> bytes:
    row = new_row()
    row.from_labels_dict(d)
    return row.to_json()


def loaded_json(text: str | bytes) -> bytes:
    row = new_row()
    row.from_json(text)
    return row.to_json()


def test_base_row_round_trips() -> None:
    assert json.loads(loaded(copy.deepcopy(BASE))) == BASE
    assert loaded_json(json.dumps(BASE)) == loaded(copy.deepcopy(BASE))


# ---- repeated keys in JSON objects ---------------------------------------------------------------------------


def _with_repeat(text: str, key: str, extra: str, after: bool) -> str:
    """`text` with a second `"key": extra` member next to the first `"key"` member (before or after it)."""
    at = text.index(f'"{key}":')
    if not after:
        return text[:at] + f'"{key}": {extra}, ' + text[at:]
    start = at + len(f'"{key}":')
    _, end = json.JSONDecoder().raw_decode(text, start + 1)
    return text[:end] + f', "{key}": {extra}' + text[end:]


@pytest.mark.parametrize(
    ("key", "extra"),
    [
        ("label_status", '"REVIEWED"'),
        ("createdBy", '"bob@example.com"'),
        ("boundingBox", '{"h": 0.5, "w": 0.5, "x": 0.0, "y": 0.0}'),
        ("confidence", "0.25"),
        ("data_units", "{}"),
    ],
)
def test_a_repeated_key_keeps_its_first_place_and_takes_its_last_value(key: str, extra: str) -> None:
    base = loaded(copy.deepcopy(BASE))
    for after in (False, True):
        text = _with_repeat(json.dumps(BASE), key, extra, after)
        # Python's own JSON reader has the rule the core must follow: first position, last value.
        assert loaded_json(text) == loaded(json.loads(text))
        assert (loaded_json(text) == base) is not after


def test_repeated_keys_in_large_maps() -> None:
    # Enough entries (objects that are not on the row are ignored) for the map to be indexed, not scanned.
    entries = [f'"ghost{i}": {{"objectHash": "ghost{i}", "classifications": []}}' for i in range(60)]
    note = {"name": "Note", "value": "note", "answers": "late", "featureHash": "note0001", "manualAnnotation": True}
    entries.insert(3, '"car0": {"objectHash": "car0", "classifications": []}')
    entries.insert(40, '"car1": {"objectHash": "car1", "classifications": []}')
    entries.append(f'"car0": {json.dumps({"objectHash": "car0", "classifications": [note]})}')
    entries.append('"ghost7": {"objectHash": "ghost7", "classifications": []}')
    d = copy.deepcopy(BASE)
    d["object_answers"] = "PLACEHOLDER"
    text = json.dumps(d).replace('"PLACEHOLDER"', "{" + ", ".join(entries) + "}")
    out = json.loads(loaded_json(text))
    assert out == json.loads(loaded(json.loads(text)))
    assert out["object_answers"]["car0"]["classifications"][0]["answers"] == "late"


# ---- nesting ----------------------------------------------------------------------------------------------


def _nested(depth: int) -> Any:
    x: Any = []
    for _ in range(depth):
        x = [x]
    return x


def test_json_nesting_limit_is_kept() -> None:
    d = copy.deepcopy(BASE)
    d["extra"] = "PLACEHOLDER"
    text = json.dumps(d).replace('"PLACEHOLDER"', "[" * 200 + "]" * 200)
    row = new_row()
    before = row.to_json()
    with pytest.raises(LabelRowError, match="invalid label row JSON: recursion limit exceeded"):
        row.from_json(text)
    assert row.to_json() == before


def test_deeply_nested_values_in_a_dict() -> None:
    d = copy.deepcopy(BASE)
    # Deeper than any stack would allow for a recursive walk: the walk keeps its own stack.
    d["extra"] = _nested(200_000)
    assert loaded(d) == loaded(copy.deepcopy(BASE))
    kept = copy.deepcopy(BASE)
    kept["label_hash"] = _nested(300)
    row = new_row()
    row.from_labels_dict(kept)
    assert row.to_encord_dict()["label_hash"] == _nested(300)


# ---- strings, numbers, containers --------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["value", "key", "ignored"])
def test_strings_python_cannot_encode_are_refused(where: str) -> None:
    d = copy.deepcopy(BASE)
    unit = next(iter(d["data_units"].values()))
    entry = unit["labels"]["0"]["objects"][0]
    if where == "value":
        entry["createdBy"] = "a\ud800b"
    elif where == "key":
        entry["\udc00"] = 1
    else:
        d["extra"] = ["fine", {"deep": "\ud83d"}]
    row = new_row()
    row.from_labels_dict(copy.deepcopy(BASE))
    before = row.to_json()
    with pytest.raises(UnicodeEncodeError):
        row.from_labels_dict(d)
    assert row.to_json() == before


def test_integers_beyond_64_bits() -> None:
    d = copy.deepcopy(BASE)
    d["object_answers"]["car0"]["objectNumber"] = 2**64 - 1
    assert json.loads(loaded(d))["object_answers"]["car0"]["objectNumber"] == 2**64 - 1
    for big in (2**64, -(2**63) - 1, 10**30):
        d = copy.deepcopy(BASE)
        d["extra"] = {"n": [big]}
        with pytest.raises(TypeError, match="integer out of the 64-bit range"):
            loaded(d)
    # In JSON text they are read as floats (as serde_json reads them), wherever they are.
    d = copy.deepcopy(BASE)
    d["extra"] = {"n": [10**30, -(2**70)]}
    assert loaded_json(json.dumps(d)) == loaded(copy.deepcopy(BASE))


def test_non_finite_floats_are_refused() -> None:
    for bad in (float("nan"), float("inf"), np.float64("-inf")):
        d = copy.deepcopy(BASE)
        d["extra"] = [1, {"x": bad}]
        with pytest.raises(LabelRowError, match="is not a finite number"):
            loaded(d)


def test_dict_subclasses_tuples_and_numpy_scalars_read_as_plain_values() -> None:
    d = copy.deepcopy(BASE)
    unit = next(iter(d["data_units"].values()))
    box = unit["labels"]["0"]["objects"][0]["boundingBox"]
    unit["labels"]["0"]["objects"][0]["boundingBox"] = OrderedDict(
        (k, np.float64(v) if k in "hw" else v) for k, v in box.items()
    )

    class Sub(dict):
        def __getitem__(self, key: Any) -> Any:  # never used by the walk: it reads the dict's own storage
            raise AssertionError(key)

    d["object_answers"] = Sub(d["object_answers"])
    d["object_actions"] = Sub()
    d["data_units"][next(iter(d["data_units"]))]["data_sequence"] = np.int64(0)
    assert loaded(d) == loaded(copy.deepcopy(BASE))


def test_other_mappings_are_refused_as_before() -> None:
    d = copy.deepcopy(BASE)
    d["object_actions"] = types.MappingProxyType({})
    with pytest.raises(LabelRowError, match="unsupported value of type mappingproxy"):
        loaded(d)
    d = copy.deepcopy(BASE)
    d["extra"] = {1, 2}
    with pytest.raises(TypeError, match="unsupported value of type set"):
        loaded(d)


def test_non_string_keys_read_through_str() -> None:
    d = copy.deepcopy(BASE)
    unit = next(iter(d["data_units"].values()))
    unit["labels"] = {int(k): v for k, v in unit["labels"].items()}
    assert loaded(d) == loaded(copy.deepcopy(BASE))
    # Two keys that read the same: the later value, in the earlier key's place (as `str()` keys always were).
    d = copy.deepcopy(BASE)
    unit = next(iter(d["data_units"].values()))
    labels = unit["labels"]
    late = copy.deepcopy(labels["5"])
    late["objects"] = late["objects"][:1]
    unit["labels"] = {**labels, 5: late}
    expected = copy.deepcopy(BASE)
    next(iter(expected["data_units"].values()))["labels"]["5"] = late
    assert loaded(d) == loaded(expected)


def test_a_dict_changed_while_it_is_read_is_an_error_not_a_crash() -> None:
    d = copy.deepcopy(BASE)

    class Key:
        def __str__(self) -> str:
            d.pop("extra2", None)
            return "k"

    d["extra"] = 1
    d[Key()] = 2
    d["extra2"] = 3
    row = new_row()
    before = row.to_json()
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        row.from_labels_dict(d)
    assert row.to_json() == before


def test_json_input_kinds() -> None:
    text = json.dumps(BASE)
    assert loaded_json(text) == loaded_json(text.encode()) == loaded(copy.deepcopy(BASE))
    with pytest.raises(TypeError):
        loaded_json(bytearray(text.encode()))  # type: ignore[arg-type]
    with pytest.raises(LabelRowError, match="invalid label row JSON"):
        loaded_json(b'{"a": "\xff"}')


def test_objects_freed_by_code_run_during_the_walk_are_kept_until_it_ends() -> None:
    # A key's str() empties the list holding `inner`, so the walk's reference is the last one; freeing `inner`
    # runs a finalizer (Python code), which must not happen while borrowed references are in use.
    events: list[str] = []
    holder: list[Any] = []

    class Key:
        def __str__(self) -> str:
            events.append("str")
            holder.clear()
            return "k"

    class Fin(float):
        def __del__(self) -> None:
            events.append("del")

    holder.append({Key(): 1, "x": Fin(1.5)})
    d = {"extra": holder, **copy.deepcopy(BASE)}
    assert loaded(d) == loaded(copy.deepcopy(BASE))
    assert events == ["str", "del"]


# ---- JSON input reads data_units frames one at a time --------------------------------------------------------


def _frame_text(text: str, frame: str) -> tuple[int, int]:
    """The span of the value of `data_units.*.labels[frame]` in `text`."""
    labels = text.index('"labels":')
    at = text.index(f'"{frame}":', labels) + len(f'"{frame}":')
    _, end = json.JSONDecoder().raw_decode(text, at + 1)
    return at + 1, end


def test_frames_kept_as_text_read_as_the_dict_path_reads_them() -> None:
    d = copy.deepcopy(BASE)
    unit = next(iter(d["data_units"].values()))
    # Escaped strings (copied out of the text), nesting and unknown keys inside a frame.
    unit["labels"]["0"]["objects"][0]["createdBy"] = "\u00e9l\u00e8ve\n@example.com"
    unit["labels"]["0"]["extra"] = {"deep": [1, 2.5, None, True, "x\\y"]}
    text = json.dumps(d, ensure_ascii=True)
    assert loaded_json(text) == loaded(json.loads(text))
    assert json.loads(loaded_json(text))["data_units"] == json.loads(loaded(copy.deepcopy(d)))["data_units"]


def test_a_repeated_frame_key_keeps_its_first_place_and_takes_its_last_value() -> None:
    text = json.dumps(BASE)
    three_start, three_end = _frame_text(text, "3")
    _, five_end = _frame_text(text, "5")
    # A second "5" frame, holding frame 3's polygon, right after the first one: it wins.
    text2 = text[:five_end] + f', "5": {text[three_start:three_end]}' + text[five_end:]
    assert loaded_json(text2) == loaded(json.loads(text2))
    assert loaded_json(text2) != loaded(copy.deepcopy(BASE))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("1e400", "number out of range"),
        ('"\\ud800"', "hex escape|surrogate"),
        ("[1, 2", "EOF while parsing|expected"),
        ('{"a" 1}', "expected `:`"),
    ],
)
def test_bad_json_inside_a_frame_is_a_clear_error(bad: str, message: str) -> None:
    text = json.dumps(BASE)
    start, _ = _frame_text(text, "3")
    at = text.index('"objects": [', start) + len('"objects": [')
    text = text[:at] + f'{{"objectHash": {bad}}}, ' + text[at:]
    row = new_row()
    row.from_json(json.dumps(BASE))
    before = row.to_json()
    with pytest.raises(LabelRowError, match=f"invalid label row JSON: .*({message})"):
        row.from_json(text)
    assert row.to_json() == before


def test_image_group_objects_kept_as_text() -> None:
    from labelrow.orm.storage import CustomerProvidedImageMetadata

    images = [CustomerProvidedImageMetadata(width=32, height=16, file_size=1, mime_type="image/png") for _ in range(3)]
    row = LabelRowV2.from_media_metadata(STRUCTURE, images)
    car = STRUCTURE.objects[0]
    for i in range(3):
        box = ObjectInstance(car, object_hash=f"img{i}")
        box.set_for_frames(
            BoundingBoxCoordinates(height=0.5, width=0.5, top_left_x=0.0, top_left_y=0.1 * i),
            frames=i,
            created_at=WHEN,
            last_edited_at=WHEN,
        )
        row.add_object_instance(box)
    d = row.to_encord_dict()
    again = LabelRowV2.from_media_metadata(STRUCTURE, images)
    again.from_json(json.dumps(d))
    assert again.to_encord_dict() == d


# ---- the dict walk reads data_units frames one at a time, as the parser reaches them -------------------------


def _first_unit(d: dict) -> dict:
    return next(iter(d["data_units"].values()))


def test_a_bad_value_inside_a_later_frame_fails_the_load_and_keeps_the_row() -> None:
    row = new_row()
    row.from_labels_dict(copy.deepcopy(BASE))
    before = row.to_json()
    # The frames before it were already parsed when the walk meets the set: the load still fails as a whole.
    d = copy.deepcopy(BASE)
    _first_unit(d)["labels"]["5"]["objects"][0]["extra"] = {1, 2}
    with pytest.raises(TypeError, match="unsupported value of type set"):
        row.from_labels_dict(d)
    d = copy.deepcopy(BASE)
    _first_unit(d)["labels"]["5"]["objects"][0]["boundingBox"]["h"] = 2**70
    with pytest.raises(TypeError, match="integer out of the 64-bit range"):
        row.from_labels_dict(d)
    assert row.to_json() == before


def test_frames_of_other_kinds_read_as_before() -> None:
    # A frame that is a dict subclass is read in the walk itself; one that is not a dict is reported with its
    # place, whichever way it was read.
    d = copy.deepcopy(BASE)
    labels = _first_unit(d)["labels"]
    labels["0"] = OrderedDict(labels["0"])
    assert loaded(d) == loaded(copy.deepcopy(BASE))
    for bad in ([], "frame", None):
        d = copy.deepcopy(BASE)
        _first_unit(d)["labels"]["3"] = bad
        with pytest.raises(LabelRowError) as dict_err:
            loaded(d)
        with pytest.raises(LabelRowError) as json_err:
            loaded_json(json.dumps(d))
        assert '.labels["3"]' in dict_err.value.message
        assert dict_err.value.message == json_err.value.message


def test_python_code_run_inside_a_frame_sees_the_frames_after_it_unread() -> None:
    # A number type whose conversion runs Python code that empties a later frame: the later frame is walked
    # when the parser reaches it, so its objects are gone (no stale read, no crash).
    d = copy.deepcopy(BASE)
    labels = _first_unit(d)["labels"]
    later = labels["5"]

    class Sneaky:
        def __index__(self) -> int:
            raise TypeError("not an int")

        def __float__(self) -> float:
            later["objects"] = []
            return 0.25

    labels["0"]["objects"][0]["boundingBox"]["h"] = Sneaky()
    out = json.loads(loaded(d))
    frames = next(iter(out["data_units"].values()))["labels"]
    assert frames["0"]["objects"][0]["boundingBox"]["h"] == 0.25
    assert "5" not in frames
    expected = copy.deepcopy(BASE)
    del _first_unit(expected)["labels"]["5"]
    assert out["data_units"] == json.loads(loaded(expected))["data_units"]


def test_a_frame_with_a_date_only_the_general_parser_reads() -> None:
    # The first parse notes such dates and the load is redone with the Python fallback: the frames are walked
    # again from their objects.
    d = copy.deepcopy(BASE)
    _first_unit(d)["labels"]["5"]["objects"][0]["createdAt"] = "Feb 9 2023"
    out = json.loads(loaded(d))
    entry = next(iter(out["data_units"].values()))["labels"]["5"]["objects"][0]
    assert entry["createdAt"] == "Thu, 09 Feb 2023 00:00:00 UTC"
    assert out == json.loads(loaded_json(json.dumps(d)))


def test_values_the_parse_never_reads_are_not_read() -> None:
    # `color` and `value` of a frame's object entry come from the ontology on export (as in the reference, which
    # ignores the entry's): whatever they hold, the load is the same; the JSON text must still be JSON.
    d = copy.deepcopy(BASE)
    for frame in _first_unit(d)["labels"].values():
        for entry in frame["objects"]:
            entry["color"] = {1, 2}
            entry["value"] = float("nan")
    assert loaded(d) == loaded(copy.deepcopy(BASE))
    text = json.dumps(BASE)
    at = text.index('"color": ', text.index('"labels"')) + len('"color": ')
    end = text.index(",", at)
    assert loaded_json(text[:at] + "1e400" + text[end:]) == loaded(copy.deepcopy(BASE))
    with pytest.raises(LabelRowError, match="invalid label row JSON"):
        loaded_json(text[:at] + '"unterminated' + text[end:])
    # The same keys elsewhere are read as before.
    d = copy.deepcopy(BASE)
    d["extra"] = {"color": {1, 2}}
    with pytest.raises(TypeError, match="unsupported value of type set"):
        loaded(d)
