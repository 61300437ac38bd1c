"""`to_json()` writes into the `bytes` it returns and, on long multi-frame rows, on two threads: the bytes are
the same either way and carry the content of `to_encord_dict()`, also where the output outgrows the first
buffer many times over."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from labelrow import _core
from labelrow.objects import LabelRowV2, ObjectInstance, OntologyStructure
from labelrow.objects.attributes import TextAttribute
from labelrow.objects.common import Shape
from labelrow.objects.coordinates import BitmaskCoordinates
from labelrow.orm.storage import CustomerProvidedImageMetadata, CustomerProvidedVideoMetadata

T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

#: Frame-object entries from which a unit's labels are written on two threads (the core's threshold).
TWO_THREAD_ENTRIES = 4096


@pytest.fixture
def export_threads():
    """Restores the process setting after the test."""
    before = _core.set_parallel_export(True)
    yield
    _core.set_parallel_export(before)


def long_video(frames: int = 700, objects: int = 8) -> LabelRowV2:
    structure = OntologyStructure()
    structure.add_object("Box", Shape.BOUNDING_BOX, feature_node_hash="box00001")
    structure.add_object("Line", Shape.POLYLINE, feature_node_hash="line0001")
    meta = CustomerProvidedVideoMetadata(
        fps=25.0, duration=frames / 25, width=64, height=48, file_size=1, mime_type="video/mp4"
    )
    row = LabelRowV2.from_media_metadata(structure, meta)
    rng = np.random.default_rng(11)
    for i in range(objects):
        obj = ObjectInstance(structure.objects[i % 2], object_hash=f"obj{i:05d}")
        on = np.sort(rng.choice(frames, size=frames * 7 // 8, replace=False))
        if i % 2 == 0:
            obj.set_for_frames_bulk(on, rng.random((len(on), 4)), confidence=rng.random(len(on)), created_at=T0)
        else:
            counts = rng.integers(2, 6, size=len(on))
            vertices = rng.random((int(counts.sum()), 2))
            obj.set_for_frames_bulk(on, vertices, offsets=np.concatenate([[0], np.cumsum(counts)]), created_at=T0)
        row.add_object_instance(obj)
    return row


def test_two_threads_write_the_same_bytes_as_one(export_threads) -> None:
    row = long_video()
    entries = sum(len(row.get_frame_view(f).get_object_instances()) for f in range(700))
    assert entries >= TWO_THREAD_ENTRIES
    two = row.to_json()
    assert _core.set_parallel_export(False) is True
    one = row.to_json()
    assert two == one
    assert json.loads(two) == row.to_encord_dict()
    assert row.to_json(renumber_objects=True) == _switch_and(True, lambda: row.to_json(renumber_objects=True))


def _switch_and(enabled: bool, fn):
    before = _core.set_parallel_export(enabled)
    try:
        return fn()
    finally:
        _core.set_parallel_export(before)


def test_output_many_times_the_first_buffer() -> None:
    """One entry with a long text answer and a large mask: the JSON is megabytes, the first guess a few kB."""
    structure = OntologyStructure()
    mask = structure.add_object("Mask", Shape.BITMASK, feature_node_hash="mask0001")
    note = mask.add_attribute(TextAttribute, "note", feature_node_hash="note0001")
    meta = CustomerProvidedImageMetadata(width=1920, height=1080, file_size=1, mime_type="image/png")
    row = LabelRowV2.from_media_metadata(structure, meta)
    obj = ObjectInstance(mask, object_hash="obj00001")
    rng = np.random.default_rng(3)
    obj.set_for_frames(BitmaskCoordinates(rng.random((1080, 1920)) > 0.5), 0, created_at=T0)
    obj.set_answer('é"\\\n' * 300_000, attribute=note)
    row.add_object_instance(obj)
    out = row.to_json()
    assert len(out) > 2_000_000
    assert json.loads(out) == row.to_encord_dict()
