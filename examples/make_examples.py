"""Regenerates the bundled example row (examples/ontology.json, examples/video_row.json) with labelrow itself."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from labelrow.objects import LabelRowV2, ObjectInstance, OntologyStructure
from labelrow.objects.attributes import RadioAttribute
from labelrow.objects.classification_instance import ClassificationInstance
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import BoundingBoxCoordinates, PointCoordinate, PolygonCoordinates
from labelrow.objects.frames import Range
from labelrow.orm.storage import CustomerProvidedVideoMetadata

HERE = Path(__file__).parent


def build() -> tuple[dict, dict]:
    rng = random.Random(7)
    structure = OntologyStructure()
    car = structure.add_object("Car", Shape.BOUNDING_BOX, feature_node_hash="carCAR01")
    colour = car.add_attribute(RadioAttribute, "Colour", feature_node_hash="colourA1")
    red = colour.add_option("Red", feature_node_hash="colRED01")
    colour.add_option("Blue", feature_node_hash="colBLU01")
    moving = car.add_attribute(RadioAttribute, "Moving", feature_node_hash="movingA1", dynamic=True)
    yes = moving.add_option("Yes", feature_node_hash="movYES01")
    no = moving.add_option("No", feature_node_hash="movNO001")
    road = structure.add_object("Road", Shape.POLYGON, feature_node_hash="roadPOL1")
    weather = structure.add_classification(feature_node_hash="weather1")
    sky = weather.add_attribute(RadioAttribute, "Weather", feature_node_hash="weatherA")
    sunny = sky.add_option("Sunny", feature_node_hash="wSUNNY01")

    meta = CustomerProvidedVideoMetadata(fps=25.0, duration=8.0, width=1280, height=720, file_size=1, mime_type="video/mp4")
    row = LabelRowV2.from_media_metadata(structure, meta)
    t0 = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
    for i in range(6):
        obj = ObjectInstance(car, object_hash=f"car{i:05d}")
        start = rng.randrange(0, 150)
        for f in range(start, start + 40):
            x = 0.1 + 0.01 * i + 0.002 * (f - start)
            obj.set_for_frames(
                BoundingBoxCoordinates(height=0.2, width=0.1, top_left_x=round(x, 4), top_left_y=0.5),
                f,
                created_at=t0 + timedelta(seconds=f),
                last_edited_at=t0 + timedelta(seconds=f),
                created_by="annotator@example.com",
            )
        obj.set_answer(red if i % 2 else colour.options[1])
        row.add_object_instance(obj)
        obj.set_answer(yes, frames=Range(start, start + 19))
        obj.set_answer(no, frames=Range(start + 20, start + 39))
    lane = ObjectInstance(road, object_hash="road0001")
    ring = [PointCoordinate(0.0, 1.0), PointCoordinate(0.4, 0.6), PointCoordinate(0.6, 0.6), PointCoordinate(1.0, 1.0)]
    lane.set_for_frames(PolygonCoordinates(values=ring), Range(0, 199), created_at=t0, last_edited_at=t0)
    row.add_object_instance(lane)
    cls = ClassificationInstance(weather, classification_hash="sky00001")
    cls.set_for_frames(Range(0, 199), created_at=t0, last_edited_at=t0)
    cls.set_answer(sunny)
    row.add_classification_instance(cls)
    labels = row.to_encord_dict()
    labels["created_at"] = labels["last_edited_at"] = "Wed, 01 May 2024 09:30:00 UTC"
    return structure.to_dict(), labels


if __name__ == "__main__":
    ontology, labels = build()
    (HERE / "ontology.json").write_text(json.dumps(ontology, indent=1) + "\n")
    (HERE / "video_row.json").write_text(json.dumps(labels) + "\n")
