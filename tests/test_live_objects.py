"""Live objects: one Python instance per object, edits visible through the row at once, atomic failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from labelrow.exceptions import LabelRowError
from labelrow.objects import LabelRowV2, ObjectInstance, OntologyStructure
from labelrow.objects.attributes import RadioAttribute
from labelrow.objects.classification_instance import ClassificationInstance
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import BoundingBoxCoordinates, PointCoordinate
from labelrow.objects.frames import Range
from labelrow.orm.storage import CustomerProvidedVideoMetadata

T0 = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)


def box(x: float) -> BoundingBoxCoordinates:
    return BoundingBoxCoordinates(height=0.1, width=0.2, top_left_x=x, top_left_y=0.5)


@pytest.fixture
def structure() -> OntologyStructure:
    s = OntologyStructure()
    car = s.add_object("Car", Shape.BOUNDING_BOX, feature_node_hash="car00001")
    moving = car.add_attribute(RadioAttribute, "Moving", feature_node_hash="moving01", dynamic=True)
    moving.add_option("Yes", feature_node_hash="movyes01")
    s.add_object("Pin", Shape.POINT, feature_node_hash="pin00001")
    weather = s.add_classification(feature_node_hash="weather1")
    sky = weather.add_attribute(RadioAttribute, "Sky", feature_node_hash="sky00001")
    sky.add_option("Clear", feature_node_hash="clear001")
    return s


def new_row(structure: OntologyStructure, seconds: float = 4.0) -> LabelRowV2:
    meta = CustomerProvidedVideoMetadata(
        fps=10.0, duration=seconds, width=64, height=48, file_size=1, mime_type="video/mp4"
    )
    return LabelRowV2.from_media_metadata(structure, meta)


def test_instances_keep_their_identity(structure: OntologyStructure) -> None:
    row = new_row(structure)
    car = structure.get_child_by_hash("car00001")
    obj = ObjectInstance(car, object_hash="obj00001")
    obj.set_for_frames(box(0.1), Range(0, 3), created_at=T0, last_edited_at=T0)
    row.add_object_instance(obj)
    assert row.get_object_instances()[0] is obj
    assert row.get_object_instances()[0] is row.get_object_instances()[0]
    assert row.get_frame_view(2).get_object_instances()[0] is obj
    assert row.get_object_instances(filter_frames=Range(1, 2))[0] is obj
    # A row loaded from a dict creates its instances lazily, once.
    loaded = new_row(structure)
    loaded.from_labels_dict(row.to_encord_dict())
    first = loaded.get_object_instances()
    assert first[0] is loaded.get_object_instances()[0] is loaded.get_frame_view(3).get_object_instances()[0]
    assert first[0] is not obj


def test_edits_before_and_after_adding_are_visible(structure: OntologyStructure) -> None:
    row = new_row(structure)
    car = structure.get_child_by_hash("car00001")
    obj = ObjectInstance(car, object_hash="obj00001")
    obj.set_for_frames(box(0.1), 0, created_at=T0, last_edited_at=T0)
    row.add_object_instance(obj)
    obj.set_for_frames(box(0.3), [5, 6], created_at=T0, last_edited_at=T0)
    obj.set_answer(car.attributes[0].options[0], frames=Range(5, 6))
    obj.get_annotation(0).confidence = 0.25
    labels = next(iter(row.to_encord_dict()["data_units"].values()))["labels"]
    assert sorted(labels, key=int) == ["0", "5", "6"]
    assert labels["0"]["objects"][0]["confidence"] == 0.25
    assert labels["5"]["objects"][0]["boundingBox"]["x"] == 0.3
    actions = row.to_encord_dict()["object_actions"]["obj00001"]["actions"]
    assert actions[0]["range"] == [[5, 6]]
    assert [o.object_hash for o in row.get_frame_view(6).get_object_instances()] == ["obj00001"]
    obj.remove_from_frames(6)
    assert row.get_frame_view(6).get_object_instances() == []


def test_instances_of_a_loaded_row_edit_the_row(structure: OntologyStructure) -> None:
    row = new_row(structure)
    pin = ObjectInstance(structure.get_child_by_hash("pin00001"), object_hash="pin00002")
    pin.set_for_frames(PointCoordinate(0.5, 0.5), [1, 2], created_at=T0, last_edited_at=T0)
    row.add_object_instance(pin)
    loaded = new_row(structure)
    loaded.from_labels_dict(row.to_encord_dict())
    (inst,) = loaded.get_object_instances()
    inst.set_for_frames(PointCoordinate(0.9, 0.1), 3, created_at=T0, last_edited_at=T0)
    assert loaded.get_frame_view(3).get_object_instances() == [inst]
    assert "3" in next(iter(loaded.to_encord_dict()["data_units"].values()))["labels"]


def test_classification_edits_are_visible(structure: OntologyStructure) -> None:
    row = new_row(structure)
    weather = structure.get_child_by_hash("weather1")
    ci = ClassificationInstance(weather, classification_hash="cls00001")
    ci.set_for_frames(Range(0, 4), created_at=T0, last_edited_at=T0)
    row.add_classification_instance(ci)
    ci.set_answer(weather.attributes[0].options[0])
    ci.set_for_frames(Range(8, 9), created_at=T0, last_edited_at=T0)
    entry = row.to_encord_dict()["classification_answers"]["cls00001"]
    assert entry["range"] == [[0, 4], [8, 9]]
    assert entry["classifications"][0]["answers"][0]["featureHash"] == "clear001"
    assert row.get_classification_instances(filter_frames=9) == [ci]


def snapshot(row: LabelRowV2) -> str:
    return json.dumps(row.to_encord_dict())


@pytest.mark.parametrize(
    "action",
    [
        "overlapping_frames",
        "out_of_bounds_frame",
        "remove_missing_frame",
        "wrong_coordinates",
        "bad_label_dict",
        "dynamic_answer_out_of_bounds",
    ],
)
def test_failed_calls_leave_the_row_unchanged(structure: OntologyStructure, action: str) -> None:
    row = new_row(structure)
    car = structure.get_child_by_hash("car00001")
    obj = ObjectInstance(car, object_hash="obj00001")
    obj.set_for_frames(box(0.1), [3, 4], created_at=T0, last_edited_at=T0)
    row.add_object_instance(obj)
    before = snapshot(row)
    bad = {
        "overlapping_frames": lambda: obj.set_for_frames(box(0.2), [1, 2, 3, 5]),
        "out_of_bounds_frame": lambda: obj.set_for_frames(box(0.2), [30, 31, 40, 41]),
        "remove_missing_frame": lambda: obj.remove_from_frames([3, 9]),
        "wrong_coordinates": lambda: obj.set_for_frames(PointCoordinate(0.1, 0.2), 7),
        "bad_label_dict": lambda: row.from_labels_dict({**row.to_encord_dict(), "data_units": {"x": {}}}),
        "dynamic_answer_out_of_bounds": lambda: obj.set_answer(car.attributes[0].options[0], frames=[3, 100]),
    }[action]
    with pytest.raises((LabelRowError, KeyError)):
        bad()
    assert snapshot(row) == before
    assert row.get_object_instances() == [obj]


def test_classifications_sharing_a_hash_leave_no_stray_claims(structure: OntologyStructure) -> None:
    """docs/compatibility.md (fixed bug 11): a force-replaced or hash-sharing instance leaves no claims behind."""
    weather = structure.get_child_by_hash("weather1")
    row = new_row(structure)
    first = ClassificationInstance(weather, classification_hash="cls00001")
    first.set_for_frames(Range(0, 3), created_at=T0, last_edited_at=T0)
    row.add_classification_instance(first)
    twin = ClassificationInstance(weather, classification_hash="cls00001")
    twin.set_for_frames(3, created_at=T0, last_edited_at=T0)
    # the twin's frame 3 was held by `first`: no KeyError; `first` leaves the row with all of its frames
    row.remove_classification(twin)
    assert row.get_classification_instances() == []
    other = ClassificationInstance(weather, classification_hash="cls00002")
    other.set_for_frames(Range(0, 2), created_at=T0, last_edited_at=T0)
    row.add_classification_instance(other)  # the reference would still see frames 0-2 claimed
    assert row.get_classification_instances() == [other]
    # a replaced instance still points at the row and is checked against what the row holds
    replacement = ClassificationInstance(weather, classification_hash="cls00002")
    replacement.set_for_frames(5, created_at=T0, last_edited_at=T0)
    row.add_classification_instance(replacement, force=True)
    with pytest.raises(LabelRowError, match="already exists"):
        other.set_for_frames(5, created_at=T0, last_edited_at=T0)
    other.set_for_frames(7, created_at=T0, last_edited_at=T0)
    assert row.get_classification_instances() == [replacement]
    assert [(r.start, r.end) for r in other.range_list] == [(0, 2), (7, 7)]
