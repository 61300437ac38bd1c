"""Parity tests of labelrow's pure-Python building blocks against the reference SDK (encord 0.1.211).

Both libraries are driven with the same inputs in-process; outputs (dicts, reprs) must be equal and every error
we raise must be an instance of the built-in class the reference raises.
"""

# ruff: noqa: E501 - long literal tables of input cases
from __future__ import annotations

import copy
import datetime as dt
import random
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pydantic
import pytest

encord = pytest.importorskip("encord")

import encord.constants.enums as r_enums  # noqa: E402
import encord.exceptions as r_exc  # noqa: E402
import encord.objects.bitmask as r_bitmask  # noqa: E402
import encord.objects.constants as r_constants  # noqa: E402
import encord.objects.coordinates as r_coords  # noqa: E402
import encord.objects.frames as r_frames  # noqa: E402
import encord.objects.html_node as r_html  # noqa: E402
import encord.objects.metadata as r_metadata  # noqa: E402
import encord.orm.label_row as r_label_row  # noqa: E402
import encord.orm.storage as r_storage  # noqa: E402
from encord.objects import LabelRowV2, ObjectInstance, OntologyStructure  # noqa: E402

import labelrow.constants.enums as o_enums  # noqa: E402
import labelrow.exceptions as o_exc  # noqa: E402
import labelrow.objects.bitmask as o_bitmask  # noqa: E402
import labelrow.objects.constants as o_constants  # noqa: E402
import labelrow.objects.coordinates as o_coords  # noqa: E402
import labelrow.objects.frames as o_frames  # noqa: E402
import labelrow.objects.html_node as o_html  # noqa: E402
import labelrow.objects.metadata as o_metadata  # noqa: E402
import labelrow.orm.label_row as o_label_row  # noqa: E402
import labelrow.orm.storage as o_storage  # noqa: E402

BUILTINS = (KeyError, TypeError, ValueError, RuntimeError, NotImplementedError, IndexError, AttributeError)


def outcome(fn: Any) -> tuple[str, Any]:
    """("ok", value) or ("err", exception)."""
    try:
        return "ok", fn()
    except Exception as e:
        return "err", e


def assert_same_error(ours: BaseException, ref: BaseException) -> None:
    """Our error must be an instance of the built-in (or Encord) class the reference raised."""
    if isinstance(ref, pydantic.ValidationError):
        assert isinstance(ours, pydantic.ValidationError), (ours, ref)
        return
    if isinstance(ref, r_exc.LabelRowError):
        assert isinstance(ours, o_exc.LabelRowError), (ours, ref)
        return
    if isinstance(ref, r_exc.EncordException):
        assert isinstance(ours, o_exc.EncordException), (ours, ref)
        return
    for builtin in BUILTINS:
        if isinstance(ref, builtin):
            assert isinstance(ours, builtin), (ours, ref)
            return
    raise AssertionError(f"unexpected reference error {ref!r}")


def assert_parity(ours_fn: Any, ref_fn: Any, convert: Any = repr) -> None:
    o_kind, o_val = outcome(ours_fn)
    r_kind, r_val = outcome(ref_fn)
    assert o_kind == r_kind, (o_val, r_val)
    if o_kind == "err":
        assert_same_error(o_val, r_val)
    else:
        assert convert(o_val) == convert(r_val)


def rand_num(rng: random.Random) -> int | float:
    """An int or a float, both kinds must survive unchanged."""
    choice = rng.random()
    if choice < 0.4:
        return rng.randint(-50, 2000)
    if choice < 0.8:
        return rng.random()
    return rng.uniform(-1e6, 1e6)


# ================================================================================================================
# enums and constants


def test_data_type_members_and_behaviour() -> None:
    assert [(m.name, m.value) for m in o_enums.DataType] == [(m.name, m.value) for m in r_enums.DataType]
    assert [(m.name, m.value) for m in o_enums.SpaceType] == [(m.name, m.value) for m in r_enums.SpaceType]
    for ours, ref in zip(o_enums.DataType, r_enums.DataType):
        assert str(ours) == str(ref)
        assert f"{ours:>12}" == f"{ref:>12}"
        assert ours == ref.value
        assert ours.to_upper_case_string() == ref.to_upper_case_string()
    for text in ["VIDEO", "IMG_GROUP", "video", "Video", "MISSING_DATA_TYPE", "_MISSING_DATA_TYPE_", "", "zz"]:
        assert o_enums.DataType.from_upper_case_string(text).name == r_enums.DataType.from_upper_case_string(text).name
    for value in ["video", "VIDEO", "zz", None, 3]:
        assert o_enums.DataType(value).name == r_enums.DataType(value).name
        ours, ref = o_enums.DataType.from_string(value), r_enums.DataType.from_string(value)
        assert (ours and ours.name) == (ref and ref.name)
    assert {m.value for m in o_enums.GEOMETRIC_TYPES} == {m.value for m in r_enums.GEOMETRIC_TYPES}
    assert {m.value for m in o_enums.DATA_TYPES_WITH_UNKNOWN_LAST_FRAME} == {
        m.value for m in r_enums.DATA_TYPES_WITH_UNKNOWN_LAST_FRAME
    }
    for ours, ref in zip(o_enums.DataType, r_enums.DataType):
        assert o_enums.is_geometric(ours) == r_enums.is_geometric(ref)


@pytest.mark.parametrize(
    ("ours", "ref"),
    [
        (o_label_row.LabelStatus, r_label_row.LabelStatus),
        (o_label_row.AnnotationTaskStatus, r_label_row.AnnotationTaskStatus),
        (o_label_row.ShadowDataState, r_label_row.ShadowDataState),
        (o_storage.StorageItemType, r_storage.StorageItemType),
        (o_coords.Visibility, r_coords.Visibility),
        (o_coords.PolygonCoordsToDict, r_coords.PolygonCoordsToDict),
    ],
)
def test_simple_enums(ours: Any, ref: Any) -> None:
    assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in ref]
    for o, r in zip(ours, ref):
        assert str(o).split(".")[-1] == str(r).split(".")[-1]
        assert str(o).split(".")[0] == str(r).split(".")[0]
    for value in ["zz", None, "LABELLED", "QUEUED", "selfOccluded", "SELF_OCCLUDED"]:
        assert_parity(lambda v=value: ours(v).name, lambda v=value: ref(v).name, convert=lambda x: x)


def test_label_status_missing() -> None:
    assert o_label_row.LabelStatus("nope") is o_label_row.LabelStatus.MISSING_LABEL_STATUS
    assert o_label_row.LabelStatus.MISSING_LABEL_STATUS.value == "_MISSING_LABEL_STATUS_"
    with pytest.raises(ValueError):
        o_label_row.AnnotationTaskStatus("nope")


def test_object_constants() -> None:
    for name in [
        "DEFAULT_CONFIDENCE",
        "DEFAULT_MANUAL_ANNOTATION",
        "DATETIME_LONG_STRING_FORMAT",
        "ROOT_SPACE_ID",
        "AVAILABLE_COLORS",
    ]:
        assert getattr(o_constants, name) == getattr(r_constants, name), name
        assert type(getattr(o_constants, name)) is type(getattr(r_constants, name)), name
    now = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert now.strftime(o_constants.DATETIME_STRING_FORMAT) == now.strftime(r_constants.DATETIME_LONG_STRING_FORMAT)


# ================================================================================================================
# orm.label_row


def _metadata_dict(**overrides: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "label_hash": "lh",
        "created_at": "2023-02-09T14:12:03+02:00",
        "last_edited_at": "Thu, 09 Feb 2023 14:12:03 GMT",
        "branch_name": "main",
        "data_hash": "dh",
        "dataset_hash": "ds",
        "dataset_title": "dt",
        "data_title": "t",
        "data_type": "VIDEO",
        "data_link": "l",
        "label_status": "LABELLED",
        "annotation_task_status": "QUEUED",
        "workflow_graph_node": {"uuid": "u", "title": "t"},
        "is_shadow_data": False,
        "frames_per_second": 25,
        "number_of_frames": 10,
        "duration": 1.0,
        "height": 1,
        "width": 2,
        "audio_sample_rate": None,
        "audio_codec": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
        "spaces": {"s": {"space_type": "video"}},
        "task_uuid": "12345678-1234-5678-1234-567812345678",
        "priority": 0.5,
        "client_metadata": {"a": 1},
        "is_valid": False,
    }
    d.update(overrides)
    return d


def _metadata_variants() -> list[dict[str, Any]]:
    variants = [_metadata_dict()]
    base = _metadata_dict()
    for key in list(base):
        without = dict(base)
        del without[key]
        variants.append(without)
    for key, value in [
        ("label_status", "weird"),
        ("label_status", None),
        ("annotation_task_status", "weird"),
        ("annotation_task_status", None),
        ("created_at", "2023-02-09 14:12:03"),
        ("created_at", "2023/02/09 14:12"),
        ("created_at", "Feb 9 2023"),
        ("created_at", "2023-02-09T14:12:03.123456Z"),
        ("created_at", "garbage"),
        ("last_edited_at", "Thu, 09 Feb 2023 14:12:03 +0200"),
        ("workflow_graph_node", {"uuid": "u"}),
        ("workflow_graph_node", None),
        ("task_uuid", "not-a-uuid"),
        ("backing_item_uuid", "12345678123456781234567812345678"),
        ("is_shadow_data", None),
    ]:
        variants.append(_metadata_dict(**{key: value}))
    return variants


@pytest.mark.parametrize("d", _metadata_variants())
def test_label_row_metadata_from_dict(d: dict[str, Any]) -> None:
    def norm(m: Any) -> Any:
        return (repr(m).replace("labelrow.", "encord."), m.to_dict())

    assert_parity(
        lambda: o_label_row.LabelRowMetadata.from_dict(copy.deepcopy(d)),
        lambda: r_label_row.LabelRowMetadata.from_dict(copy.deepcopy(d)),
        convert=norm,
    )
    assert_parity(
        lambda: o_label_row.LabelRowMetadata.from_list([copy.deepcopy(d)]),
        lambda: r_label_row.LabelRowMetadata.from_list([copy.deepcopy(d)]),
        convert=lambda ms: [m.to_dict() for m in ms],
    )


def test_label_row_metadata_fields_and_workflow_node() -> None:
    import dataclasses

    ours = [(f.name, f.default) for f in dataclasses.fields(o_label_row.LabelRowMetadata)]
    ref = [(f.name, f.default) for f in dataclasses.fields(r_label_row.LabelRowMetadata)]
    assert ours == ref
    node = o_label_row.WorkflowGraphNode(uuid="u", title="t")
    assert repr(node) == repr(r_label_row.WorkflowGraphNode(uuid="u", title="t"))
    assert o_label_row.WorkflowGraphNode.from_optional_dict(None) is None


# ================================================================================================================
# orm.storage: customer-provided metadata

_META_VALID: dict[str, dict[str, Any]] = {
    "CustomerProvidedImageMetadata": {"mime_type": "image/png", "file_size": 10, "height": 4, "width": 5},
    "CustomerProvidedVideoMetadata": {
        "fps": 25.0,
        "duration": 4.0,
        "width": 640,
        "height": 480,
        "file_size": 1,
        "mime_type": "video/mp4",
    },
    "CustomerProvidedAudioMetadata": {
        "duration": 2.5,
        "file_size": 3,
        "mime_type": "audio/mpeg",
        "sample_rate": 44100,
        "bit_depth": 16,
        "codec": "mp3",
        "num_channels": 2,
    },
    "CustomerProvidedTextMetadata": {"file_size": 7, "mime_type": "text/html"},
    "CustomerProvidedPdfMetadata": {"file_size": 7, "num_pages": 3},
}


def _meta_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for name, valid in _META_VALID.items():
        cases.append((name, dict(valid)))
        cases.append((name, {o_storage.snake_to_camel(k): v for k, v in valid.items()}))
        cases.append((name, {**valid, "unknownField": 1, "other": None}))
        for key, value in valid.items():
            missing = dict(valid)
            del missing[key]
            cases.append((name, missing))
            for bad in ["5", "5.0", 5.5, 5.0, True, None, -3, "x", b"y", [1]]:
                cases.append((name, {**valid, key: bad}))
            if isinstance(value, float):
                cases.append((name, {**valid, key: 30}))
    return cases


@pytest.mark.parametrize(("name", "kwargs"), _meta_cases())
def test_customer_provided_metadata(name: str, kwargs: dict[str, Any]) -> None:
    ours_cls, ref_cls = getattr(o_storage, name), getattr(r_storage, name)

    def norm(m: Any) -> Any:
        return (repr(m), m.to_dict(), m.model_dump(), m.to_dict(by_alias=False))

    assert_parity(lambda: ours_cls(**kwargs), lambda: ref_cls(**kwargs), convert=norm)
    assert_parity(lambda: ours_cls.from_dict(kwargs), lambda: ref_cls.from_dict(kwargs), convert=norm)


def test_metadata_field_layout() -> None:
    for name in _META_VALID:
        ours, ref = getattr(o_storage, name), getattr(r_storage, name)
        assert [(k, f.alias, f.is_required()) for k, f in ours.model_fields.items()] == [
            (k, f.alias, f.is_required()) for k, f in ref.model_fields.items()
        ]
        assert list(ours.model_fields) == list(ref.model_fields)


# ================================================================================================================
# frames

R, OR = r_frames.Range, o_frames.Range


def _frames_inputs(mod: Any) -> list[Any]:
    rng = mod.Range
    return [
        0,
        5,
        True,
        False,
        -1,
        [],
        [3, 1, 2, 2],
        [True, 2],
        [10, 9, 8, 1],
        [rng(1, 3), rng(2, 5)],
        [rng(5, 3)],
        [rng(1, 2), rng(5, 3), rng(7, 9)],
        [rng(7, 8), rng(1, 2)],
        [rng(1, 3), rng(1, 3)],
        rng(5, 3),
        rng(1, 3),
        rng(0, 0),
        rng(True, 3),
        rng(0, 10**9),
        rng(1.5, 3.5),
        rng(1, "x"),
        [rng(1, 2.5)],
        {1, 2},
        set(),
        frozenset({1}),
        (1, 2),
        [1, rng(2, 3)],
        [rng(2, 3), 1],
        "3",
        1.5,
        None,
        [1.5],
        [[1, 2]],
        range(3),
        np.int64(3),
        [np.int64(3)],
    ]


@pytest.mark.parametrize("index", range(len(_frames_inputs(r_frames))))
@pytest.mark.parametrize("fn", ["frames_class_to_frames_list", "frames_class_to_ranges"])
def test_frames_class_helpers(index: int, fn: str) -> None:
    ours_in, ref_in = _frames_inputs(o_frames)[index], _frames_inputs(r_frames)[index]
    if isinstance(ours_in, OR) and isinstance(ours_in.end, int) and ours_in.end > 10**6 and fn.endswith("list"):
        pytest.skip("expanding a billion frames")
    if isinstance(ours_in, list) and any(isinstance(x, OR) and x.end == 10**9 for x in ours_in):
        pytest.skip("expanding a billion frames")
    o_kind, o_val = outcome(lambda: getattr(o_frames, fn)(ours_in))
    r_kind, r_val = outcome(lambda: getattr(r_frames, fn)(ref_in))
    assert o_kind == r_kind, (o_val, r_val)
    if o_kind == "err":
        assert_same_error(o_val, r_val)
        if isinstance(r_val, RuntimeError):
            assert isinstance(o_val, o_exc.LabelRowRuntimeError)
            assert o_val.message == str(r_val)
    else:
        assert repr(o_val) == repr(r_val)

        def types(v: list[Any]) -> list[Any]:
            return [(type(x.start), type(x.end)) if hasattr(x, "start") else type(x) for x in v]

        assert types(o_val) == types(r_val)


@pytest.mark.parametrize(
    "frames",
    [[5, 1, 2, 3, 9, 10], [], [1, 1, 2], {3, 4, 6}, (2, 3), [3, 2, 1], [True, 2], [1.0, 2.0], [-1, 0, 1], [1, 3]],
)
def test_frames_to_ranges(frames: Any) -> None:
    assert repr(o_frames.frames_to_ranges(frames)) == repr(r_frames.frames_to_ranges(frames))


def test_range_helpers() -> None:
    for s, e in [(2, 5), (5, 2), (3, 3), (-2, 1)]:
        assert repr(o_frames.range_to_frames(OR(s, e))) == repr(r_frames.range_to_frames(R(s, e)))
        assert repr(o_frames.range_to_ranges(OR(s, e))) == repr(r_frames.range_to_ranges(R(s, e)))
        assert repr(o_frames.frame_to_range(s)) == repr(r_frames.frame_to_range(s))
    lists = [[[1, 3], [5, 5]], [[5, 5], [1, 3]], [[1, 3], [2, 6]], [], [(1, 2)], [[3, 1]], [[1, 2, 3]], [[1]]]
    for lst in lists:
        assert_parity(lambda x=lst: o_frames.ranges_list_to_ranges(x), lambda x=lst: r_frames.ranges_list_to_ranges(x))
    ranges = [(3, 4), (1, 2), (2, 3), (9, 7)]
    assert o_frames.ranges_to_frames([OR(*x) for x in ranges]) == r_frames.ranges_to_frames([R(*x) for x in ranges])
    assert o_frames.ranges_to_list([OR(*x) for x in ranges]) == r_frames.ranges_to_list([R(*x) for x in ranges])


def test_range_class() -> None:
    assert repr(OR(1, 3)) == repr(R(1, 3)) == "(1:3)"
    assert str([OR(1, 3)]) == str([R(1, 3)])
    assert OR(1, 3) == OR(1, 3) and OR(1, 3) != OR(1, 4) and OR(1, 2) == OR(1.0, 2.0)
    assert OR(1, 3) != (1, 3)
    rng = random.Random(3)
    for _ in range(300):
        a = [rng.randint(-5, 10) for _ in range(4)]
        assert OR(a[0], a[1]).overlaps(OR(a[2], a[3])) == R(a[0], a[1]).overlaps(R(a[2], a[3]))
        ours, ref = OR(a[0], a[1]), R(a[0], a[1])
        assert ours.merge(OR(a[2], a[3])) is None
        ref.merge(R(a[2], a[3]))
        assert repr(ours) == repr(ref)
    original = OR(1, 2)
    clone = original.copy()
    clone.start = 0
    assert original.start == 1 and clone is not original
    with pytest.raises(AttributeError):
        original.foo = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        hash(original)


# ================================================================================================================
# html nodes and DICOM metadata


def test_html_node_and_range() -> None:
    for mod in (o_html, r_html):
        node = mod.HtmlNode(xpath="/a", offset="3")
        assert (repr(node), str(node), node.to_dict()) == (
            "(Node: /a Offset: 3)",
            "xpath='/a' offset=3",
            node.to_dict(),
        )
    on = o_html.HtmlRange(start={"xpath": "/a", "offset": 1}, end=o_html.HtmlNode(xpath="/b", offset=2))
    rn = r_html.HtmlRange(start={"xpath": "/a", "offset": 1}, end=r_html.HtmlNode(xpath="/b", offset=2))
    assert (repr(on), str(on), on.to_dict()) == (repr(rn), str(rn), rn.to_dict())
    assert on == o_html.HtmlRange.from_dict(on.to_dict())
    for bad in [
        {"start": {"xpath": "/a"}, "end": {"xpath": "/b", "offset": 2}},
        {"start": {"xpath": "/a", "offset": 1}},
        {"start": {"xpath": "/a", "offset": "x"}, "end": {"xpath": "/b", "offset": 2}},
        {"start": {"xpath": "/a", "offset": 1}, "end": {"xpath": "/b", "offset": 2}, "extra": 1},
    ]:
        assert_parity(lambda b=bad: o_html.HtmlRange.from_dict(b), lambda b=bad: r_html.HtmlRange.from_dict(b))


@pytest.mark.parametrize(
    ("name", "d"),
    [
        ("DICOMSeriesMetadata", {"patientId": None, "studyUid": "s", "seriesUid": "x"}),
        ("DICOMSeriesMetadata", {"patient_id": "p", "study_uid": "s", "series_uid": "x", "z": 1}),
        ("DICOMSeriesMetadata", {"studyUid": "s", "seriesUid": "x"}),
        ("DICOMSliceMetadata", {"dicomInstanceUid": "u", "multiframeFrameNumber": None, "fileUri": "f", "width": 3, "height": 4}),
        ("DICOMSliceMetadata", {"dicom_instance_uid": "u", "multiframe_frame_number": "2", "file_uri": "f", "width": "3", "height": 4}),
        ("DICOMSliceMetadata", {"dicomInstanceUid": "u", "fileUri": "f", "width": 3, "height": 4}),
        ("DICOMSliceMetadata", {"dicomInstanceUid": "u", "multiframeFrameNumber": 1, "fileUri": "f", "width": 3.5, "height": 4}),
    ],
)  # fmt: skip
def test_dicom_metadata(name: str, d: dict[str, Any]) -> None:
    ours, ref = getattr(o_metadata, name), getattr(r_metadata, name)

    def norm(m: Any) -> Any:
        return (repr(m), m.to_dict(), m.to_dict(exclude_none=False))

    assert_parity(lambda: ours.from_dict(d), lambda: ref.from_dict(d), convert=norm)
    assert_parity(lambda: ours(**d), lambda: ref(**d), convert=norm)


def test_data_group_metadata() -> None:
    d = {"children": [{"dataHash": "d", "labelHash": None, "name": "n", "layoutKey": "k"}]}
    ours, ref = o_metadata.DataGroupMetadata.from_dict(d), r_metadata.DataGroupMetadata.from_dict(d)
    assert (repr(ours), ours.to_dict()) == (repr(ref), ref.to_dict())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert repr(ours.children) == repr(ref.children)
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]


# ================================================================================================================
# coordinates: construction from a neutral spec with either module


def _points(mod: Any, raw: list[tuple[Any, Any]]) -> list[Any]:
    return [mod.PointCoordinate(x, y) for x, y in raw]


def build(mod: Any, spec: tuple[str, dict[str, Any]]) -> Any:
    """Construct coordinates of class ``spec[0]`` from plain values with module ``mod``."""
    kind, v = spec
    if kind in ("BoundingBoxCoordinates", "RotatableBoundingBoxCoordinates", "CircleCoordinates", "EllipseCoordinates"):
        return getattr(mod, kind)(**v)
    if kind == "PointCoordinate":
        return mod.PointCoordinate(**v)
    if kind == "PointCoordinate3D":
        return mod.PointCoordinate3D(**v)
    if kind == "PolygonCoordinates":
        values = None if v["values"] is None else _points(mod, v["values"])
        polygons = None
        if v["polygons"] is not None:
            polygons = [[_points(mod, ring) for ring in polygon] for polygon in v["polygons"]]
        return mod.PolygonCoordinates(values=values, polygons=polygons)
    if kind == "PolylineCoordinates":
        if v["three_d"]:
            return mod.PolylineCoordinates([mod.PointCoordinate3D(*p) for p in v["points"]])
        return mod.PolylineCoordinates([mod.PointCoordinate(*p) for p in v["points"]])
    if kind == "CuboidCoordinates":
        return mod.CuboidCoordinates(**v)
    if kind == "Cuboid2DPerspectiveCoordinates":
        return mod.Cuboid2DPerspectiveCoordinates(
            front=_points(mod, v["front"]), vanishing_point=mod.PointCoordinate(*v["vp"]), scale_ratio=v["scale"]
        )
    if kind == "Cuboid2DIsometricCoordinates":
        return mod.Cuboid2DIsometricCoordinates(
            front=_points(mod, v["front"]), offset=mod.PointCoordinate(*v["offset"])
        )
    if kind == "SkeletonCoordinates":
        return mod.SkeletonCoordinates(values=[mod.SkeletonCoordinate(**p) for p in v["values"]], name=v["name"])
    if kind == "BitmaskCoordinates":
        bitmask_cls = o_bitmask.BitmaskCoordinates if mod is o_coords else r_bitmask.BitmaskCoordinates
        return bitmask_cls(v["mask"])
    if kind in ("AudioCoordinates", "TimeRangeCoordinates", "TextCoordinates"):
        frames_mod = o_frames if mod is o_coords else r_frames
        return getattr(mod, kind)(range=[frames_mod.Range(s, e) for s, e in v["range"]])
    if kind == "HtmlCoordinates":
        html_mod = o_html if mod is o_coords else r_html
        return mod.HtmlCoordinates(range=[html_mod.HtmlRange.from_dict(r) for r in v["range"]])
    raise AssertionError(kind)


def _pts(rng: random.Random, n: int) -> list[tuple[Any, Any]]:
    return [(rand_num(rng), rand_num(rng)) for _ in range(n)]


def random_spec(rng: random.Random, kind: str, width: int = 7, height: int = 5) -> tuple[str, dict[str, Any]]:
    if kind == "BoundingBoxCoordinates":
        keys = ["height", "width", "top_left_x", "top_left_y"]
        return kind, {k: rand_num(rng) for k in keys}
    if kind == "RotatableBoundingBoxCoordinates":
        keys = ["height", "width", "top_left_x", "top_left_y", "theta"]
        return kind, {k: rand_num(rng) for k in keys}
    if kind == "CircleCoordinates":
        v = {k: rand_num(rng) for k in ["center_x", "center_y", "radius"]}
        if rng.random() < 0.5:
            v["stretch"] = rand_num(rng)
            v["theta"] = rand_num(rng)
        return kind, v
    if kind == "EllipseCoordinates":
        v = {k: rand_num(rng) for k in ["center_x", "center_y", "rx", "ry"]}
        if rng.random() < 0.5:
            v["theta"] = rand_num(rng)
        return kind, v
    if kind == "PointCoordinate":
        return kind, {"x": rand_num(rng), "y": rand_num(rng)}
    if kind == "PointCoordinate3D":
        return kind, {"x": rand_num(rng), "y": rand_num(rng), "z": rand_num(rng)}
    if kind == "PolygonCoordinates":
        form = rng.choice(["values", "polygons", "both"])
        polygons = [[_pts(rng, rng.randint(1, 6)) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 3))]
        if form == "values":
            return kind, {"values": _pts(rng, rng.randint(1, 8)), "polygons": None}
        if form == "polygons":
            return kind, {"values": None, "polygons": polygons}
        return kind, {"values": list(polygons[0][0]), "polygons": polygons}
    if kind == "PolylineCoordinates":
        three_d = rng.random() < 0.3
        n = rng.randint(0, 6)
        points = [tuple(rand_num(rng) for _ in range(3 if three_d else 2)) for _ in range(n)]
        return kind, {"three_d": three_d, "points": points}
    if kind == "CuboidCoordinates":
        seq = rng.choice([tuple, list])
        return kind, {k: seq(rand_num(rng) for _ in range(3)) for k in ["position", "orientation", "size"]}
    if kind == "Cuboid2DPerspectiveCoordinates":
        return kind, {"front": _pts(rng, 4), "vp": (rand_num(rng), rand_num(rng)), "scale": rand_num(rng)}
    if kind == "Cuboid2DIsometricCoordinates":
        return kind, {"front": _pts(rng, 4), "offset": (rand_num(rng), rand_num(rng))}
    if kind == "SkeletonCoordinates":
        values = []
        for i in range(rng.randint(0, 4)):
            p: dict[str, Any] = {"x": rand_num(rng), "y": rand_num(rng), "name": f"p{i}"}
            if rng.random() < 0.5:
                p["color"] = "#abcdef"
            if rng.random() < 0.5:
                p["feature_hash"] = f"fh{i}"
            if rng.random() < 0.5:
                p["value"] = f"v{i}"
            if rng.random() < 0.6:
                p["visibility"] = rng.choice(["visible", "invisible", "occluded", "selfOccluded"])
            values.append(p)
        return kind, {"values": values, "name": "tmpl"}
    if kind == "BitmaskCoordinates":
        density = rng.random()
        np_rng = np.random.default_rng(rng.randint(0, 10**6))
        return kind, {"mask": np_rng.random((height, width)) < density}
    if kind in ("AudioCoordinates", "TimeRangeCoordinates", "TextCoordinates"):
        return kind, {"range": [(rng.randint(0, 50), rng.randint(0, 100)) for _ in range(rng.randint(0, 3))]}
    if kind == "HtmlCoordinates":
        ranges = [
            {
                "start": {"xpath": f"/html/p[{rng.randint(1, 9)}]", "offset": rng.randint(0, 9)},
                "end": {"xpath": "/html/p[9]", "offset": rng.randint(0, 9)},
            }
            for _ in range(rng.randint(0, 3))
        ]
        return kind, {"range": ranges}
    raise AssertionError(kind)


GEOMETRIC_KINDS = {
    "BoundingBoxCoordinates": "bounding_box",
    "RotatableBoundingBoxCoordinates": "rotatable_bounding_box",
    "PolygonCoordinates": "polygon",
    "PolylineCoordinates": "polyline",
    "PointCoordinate": "point",
    "PointCoordinate3D": "point",
    "CircleCoordinates": "circle",
    "EllipseCoordinates": "ellipse",
    "CuboidCoordinates": "cuboid",
    "Cuboid2DPerspectiveCoordinates": "cuboid_2d",
    "Cuboid2DIsometricCoordinates": "cuboid_2d",
    "BitmaskCoordinates": "bitmask",
    "SkeletonCoordinates": "skeleton",
}
RANGE_KINDS = ["AudioCoordinates", "TimeRangeCoordinates", "TextCoordinates", "HtmlCoordinates"]
ALL_KINDS = [*GEOMETRIC_KINDS, *RANGE_KINDS]


def coord_to_dict(c: Any) -> Any:
    """Comparable dict form of a coordinate object (both forms for polygons)."""
    if isinstance(c, (o_coords.PolygonCoordinates, r_coords.PolygonCoordinates)):
        return (c.to_dict(), c.to_dict("multiple_polygons"))
    return c.to_dict()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_coordinate_to_dict_and_repr(kind: str) -> None:
    rng = random.Random(hash(kind) % 1000)
    for _ in range(40):
        spec = random_spec(rng, kind)
        ours, ref = build(o_coords, spec), build(r_coords, spec)
        assert coord_to_dict(ours) == coord_to_dict(ref)
        if kind not in ("PolygonCoordinates", "BitmaskCoordinates"):
            assert repr(ours) == repr(ref)
            assert ours == build(o_coords, spec)
        if kind == "BitmaskCoordinates":
            assert np.array_equal(ours.to_numpy_array(), ref.to_numpy_array())
            assert ours.__array_interface__ == ref.__array_interface__
            assert np.array_equal(np.asarray(ours), spec[1]["mask"])
        if kind == "PolygonCoordinates":
            assert repr(ours.values) == repr(ref.values)
            assert repr(ours.polygons) == repr(ref.polygons)


def test_class_field_layout() -> None:
    import dataclasses

    for kind in GEOMETRIC_KINDS:
        ours, ref = getattr(o_coords, kind), getattr(r_coords, kind)
        if dataclasses.is_dataclass(ref):
            assert dataclasses.is_dataclass(ours)
            assert [(f.name, f.default) for f in dataclasses.fields(ours)] == [
                (f.name, f.default) for f in dataclasses.fields(ref)
            ]
            assert ours.__dataclass_params__.frozen == ref.__dataclass_params__.frozen  # type: ignore[attr-defined]
    for kind in ["SkeletonCoordinate", "SkeletonCoordinates", *RANGE_KINDS]:
        ours, ref = getattr(o_coords, kind), getattr(r_coords, kind)
        assert [(k, f.alias, f.is_required(), f.default) for k, f in ours.model_fields.items()] == [
            (k, f.alias, f.is_required(), f.default) for k, f in ref.model_fields.items()
        ]
    ours_map = {
        s.value: [c.__name__ for c in cs] for s, cs in o_coords.ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.items()
    }
    ref_map = {
        s.value: [c.__name__ for c in cs] for s, cs in r_coords.ACCEPTABLE_COORDINATES_FOR_ONTOLOGY_ITEMS.items()
    }
    assert ours_map == ref_map
    assert [c.__name__ for c in o_coords.Coordinates.__args__] == [c.__name__ for c in r_coords.Coordinates.__args__]
    assert {c.__name__ for c in o_coords.NON_GEOMETRIC_COORDINATES} == {
        c.__name__ for c in r_coords.NON_GEOMETRIC_COORDINATES
    }
    assert {s.value for s in o_coords.EVENT_SHAPES} == {s.value for s in r_coords.EVENT_SHAPES}
    assert o_coords._GEOMETRY_KEYS == r_coords._GEOMETRY_KEYS


# ---------------------------------------------------------------------------------------------------------------
# frame_geometry vs what the reference writes into a video row

_ROW_WIDTH, _ROW_HEIGHT = 7, 5
_GEOMETRY_OUTPUT_KEYS = {"polygon", "polygons", *r_coords._GEOMETRY_KEYS}
_SKELETON_TEMPLATE = {
    "template": {
        "name": "tmpl",
        "width": 1,
        "height": 1,
        "skeleton": {
            str(i): {"x": 0, "y": 0, "name": f"p{i}", "color": "#00000", "value": "", "featureHash": f"ph{i}"}
            for i in range(4)
        },
        "skeletonEdges": {},
        "feature_node_hash": "fskeleton",
        "shape": "skeleton",
    }
}


def _reference_row_entries(specs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Put each spec's reference coordinates on its own frame of a reference video row and read the entries."""
    shapes = sorted(set(GEOMETRIC_KINDS.values()))
    onto_dict = {
        "objects": [
            {"id": str(i + 1), "name": s, "color": "#D33115", "shape": s, "featureNodeHash": f"f{s}"}
            for i, s in enumerate(shapes)
        ],
        "classifications": [],
        "skeleton_templates": [_SKELETON_TEMPLATE],
    }
    onto = OntologyStructure.from_dict(onto_dict)
    by_shape = {o.shape.value: o for o in onto.objects}
    meta = r_storage.CustomerProvidedVideoMetadata(
        fps=25.0, duration=len(specs), width=_ROW_WIDTH, height=_ROW_HEIGHT, file_size=1, mime_type="video/mp4"
    )
    row = LabelRowV2.from_media_metadata(SimpleNamespace(structure=onto), meta)
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    for i, spec in enumerate(specs):
        instance = ObjectInstance(by_shape[GEOMETRIC_KINDS[spec[0]]], object_hash=f"O{i}")
        instance.set_for_frames(build(r_coords, spec), i, created_at=when, last_edited_at=when)
        row.add_object_instance(instance)
    labels = row.to_encord_dict()["data_units"][row.data_hash]["labels"]
    entries = []
    for i in range(len(specs)):
        (entry,) = labels[str(i)]["objects"]
        assert entry["objectHash"] == f"O{i}"
        entries.append(entry)
    return entries


@pytest.mark.parametrize("seed", range(3))
def test_frame_geometry_matches_reference_row(seed: int) -> None:
    rng = random.Random(seed)
    specs = [random_spec(rng, kind, _ROW_WIDTH, _ROW_HEIGHT) for kind in GEOMETRIC_KINDS for _ in range(12)]
    rng.shuffle(specs)
    entries = _reference_row_entries(specs)
    for spec, entry in zip(specs, entries):
        ours = build(o_coords, spec)
        geometry = o_coords.frame_geometry(ours)
        expected = {k: v for k, v in entry.items() if k in _GEOMETRY_OUTPUT_KEYS}
        assert geometry == expected, spec[0]
        assert list(geometry) == list(expected)
        _assert_same_types(geometry, expected)
        # the reference entry parses with our reader into equal coordinates, and ours round-trips
        from_ref_entry = o_coords.coordinates_from_frame_geometry(copy.deepcopy(entry))
        assert type(from_ref_entry).__name__ == spec[0]
        assert o_coords.frame_geometry(from_ref_entry) == expected
        round_trip = o_coords.coordinates_from_frame_geometry({"shape": entry["shape"], "name": "n", **geometry})
        assert o_coords.frame_geometry(round_trip) == geometry
        assert type(round_trip) is type(ours)
        ref = build(r_coords, spec)
        assert_parity(
            lambda o=ours: o_coords.add_coordinates_to_frame_object_dict(
                o, {"objectHash": "o"}, _ROW_WIDTH, _ROW_HEIGHT
            ),
            lambda r=ref: r_coords.add_coordinates_to_frame_object_dict(
                r, {"objectHash": "o"}, _ROW_WIDTH, _ROW_HEIGHT
            ),
            convert=lambda x: x,
        )


def _assert_same_types(a: Any, b: Any) -> None:
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _assert_same_types(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same_types(x, y)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_round_trip_through_frame_geometry(kind: str) -> None:
    rng = random.Random(len(kind))
    shape = (
        GEOMETRIC_KINDS.get(kind)
        or {
            "AudioCoordinates": "audio",
            "TimeRangeCoordinates": "time_range",
            "TextCoordinates": "text",
            "HtmlCoordinates": "text",
        }[kind]
    )
    for _ in range(60):
        ours = build(o_coords, random_spec(rng, kind))
        geometry = o_coords.frame_geometry(ours)
        entry = {"shape": shape, "name": "tmpl", **geometry}
        back = o_coords.coordinates_from_frame_geometry(entry)
        assert type(back) is type(ours)
        assert o_coords.frame_geometry(back) == geometry
        if kind not in ("PolygonCoordinates", "BitmaskCoordinates", "SkeletonCoordinates"):
            assert back == ours


def test_range_geometry_shapes() -> None:
    audio = o_coords.AudioCoordinates(range=[OR(0, 100), OR(200, 300)])
    assert o_coords.frame_geometry(audio) == {"range": [[0, 100], [200, 300]]}
    html = o_coords.HtmlCoordinates(
        range=[{"start": {"xpath": "/a", "offset": 1}, "end": {"xpath": "/b", "offset": 2}}]  # type: ignore[list-item]
    )
    assert o_coords.frame_geometry(html) == {
        "range_html": [{"start": {"xpath": "/a", "offset": 1}, "end": {"xpath": "/b", "offset": 2}}],
        "range": [],
    }


# ---------------------------------------------------------------------------------------------------------------
# parsing frame-object entries: same result / same error class as the reference reader

_BB = {"h": 1, "w": 2, "x": 3, "y": 4}
_BM = {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": "231"}
PARSE_CASES: list[dict[str, Any]] = [
    {"shape": "bounding_box", "boundingBox": _BB},
    {"shape": "bounding_box", "boundingBox": {**_BB, "extra": 1}},
    {"shape": "bounding_box", "boundingBox": {"h": 1, "w": 2, "x": 3}},
    {"shape": "bounding_box", "boundingBox": None},
    {"shape": "bounding_box"},
    {"boundingBox": _BB},
    {"shape": None, "boundingBox": _BB},
    {"shape": "rotatable_bounding_box", "rotatableBoundingBox": {**_BB, "theta": 9}},
    {"shape": "rotatable_bounding_box", "rotatableBoundingBox": _BB},
    {"shape": "point", "point": {"0": {"x": 1, "y": 2}}},
    {"shape": "point", "point": {"0": {"x": 1, "y": 2, "z": 3}, "1": {"x": 5, "y": 6}}},
    {"shape": "point", "point": {"0": {"x": 1, "y": 2, "z": None}}},
    {"shape": "point", "point": {"1": {"x": 1, "y": 2}}},
    {"shape": "point", "point": [{"x": 1, "y": 2}]},
    {"shape": "point", "boundingBox": _BB},
    {"shape": "circle", "circle": {"x": 1, "y": 2, "r": 3}},
    {"shape": "circle", "circle": {"x": 1, "y": 2, "r": 3, "stretch": None, "theta": 2}},
    {"shape": "circle", "circle": {"x": 1, "y": 2}},
    {"shape": "ellipse", "ellipse": {"x": 1, "y": 2, "rx": 3, "ry": 4}},
    {"shape": "ellipse", "ellipse": {"x": 1, "y": 2, "rx": 3}},
    {"shape": "polygon", "polygon": {"1": {"x": 1, "y": 2}, "0": {"x": 3, "y": 4}, "10": {"x": 5, "y": 6}, "2": {"x": 7, "y": 8, "z": 3}}},
    {"shape": "polygon", "polygon": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]},
    {"shape": "polygon", "polygons": [[[1, 2, 3, 4]], [[5, 6, 7, 8], [1, 1, 2, 2]]]},
    {"shape": "polygon", "polygon": {"0": {"x": 1, "y": 2}}, "polygons": [[[5, 6]]]},
    {"shape": "polygon", "polygon": {"0": {"x": 1, "y": 2}}, "polygons": None},
    {"shape": "polygon", "polygon": None, "polygons": [[[5, 6]]]},
    {"shape": "polygon"},
    {"shape": "polygon", "polygon": {}},
    {"shape": "polygon", "polygon": [], "polygons": []},
    {"shape": "polygon", "polygon": "abc"},
    {"shape": "polygon", "polygon": {"0": {"x": 1}}},
    {"shape": "polygon", "polygon": {"a": {"x": 1, "y": 2}}},
    {"shape": "polygon", "polygons": [[[1, 2, 3]]]},
    {"shape": "polygon", "polygons": [[]]},
    {"shape": "polygon", "polygons": [[[]]]},
    {"shape": "polygon", "polygon": [1]},
    {"shape": "polyline", "polyline": {"1": {"x": 1, "y": 2}, "0": {"x": 3, "y": 4}, "10": {"x": 5, "y": 6}, "2": {"x": 7, "y": 8}}},
    {"shape": "polyline", "polyline": [{"x": 1, "y": 2}, {"x": 3, "y": 4, "z": 5}]},
    {"shape": "polyline", "polyline": [{"x": 1, "y": 2, "z": 0}, {"x": 3, "y": 4, "z": 5}]},
    {"shape": "polyline", "polyline": {"0": {"x": 1, "y": 2, "z": 3}, "1": {"x": 3, "y": 4}}},
    {"shape": "polyline", "polyline": {}},
    {"shape": "polyline", "polyline": []},
    {"shape": "polyline", "polyline": [{"x": 1, "y": 2, "z": None}]},
    {"shape": "polyline", "polyline": [{"x": 1}]},
    {"shape": "polyline", "polyline": {"0": {"x": 1, "y": 2, "q": 3}}},
    {"shape": "polyline", "polyline": {"a": {"x": 1, "y": 2}}},
    {"shape": "polyline", "polyline": None},
    {"shape": "polyline", "polyline": "abc"},
    {"shape": "polyline", "polyline": [1, 2]},
    {"shape": "polyline"},
    {"shape": "cuboid", "cuboid": {"position": [1, 2, 3], "orientation": [4, 5, 6], "size": [7, 8, 9]}},
    {"shape": "zz", "cuboid": {"position": (1, 2, 3), "orientation": [4, 5, 6], "size": [7, 8, 9, 10]}},
    {"shape": "cuboid", "cuboid": {"position": [1, 2, 3], "orientation": [4, 5, 6]}},
    {"shape": "cuboid", "cuboid": None},
    {"shape": "cuboid"},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2, 3, 4], "vanishingPoint": {"x": 1, "y": 2}, "scaleRatio": 3}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2, 3, 4], "offset": {"x": 1, "y": 2}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2, 3, 4], "vanishingPoint": {"x": 1, "y": 2}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2, 3, 4]}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "vanishingPoint": {"x": 1, "y": 2}, "scaleRatio": 3, "offset": {"x": 9, "y": 9}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "vanishingPoint": {"x": 1, "y": 2}, "scaleRatio": 0}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "vanishingPoint": {"x": 1, "y": 2}, "scaleRatio": None}},
    {"shape": "cuboid_2d", "cuboid_2d": {"offset": {"x": 9, "y": 9}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2, 3], "offset": {"x": 9, "y": 9}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "vanishingPoint": None, "offset": {"x": 9, "y": 9}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "offset": None}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": None, "offset": {"x": 1, "y": 2}}},
    {"shape": "cuboid_2d", "cuboid_2d": {"front": [1, 2], "vanishingPoint": {"x": 1}, "scaleRatio": 1}},
    {"shape": "bitmask", "bitmask": _BM},
    {"shape": "bitmask", "bitmask": {**{k: v for k, v in _BM.items() if k != "rleString"}, "rle_string": "231"}},
    {"shape": "bitmask", "bitmask": {"top": 0, "left": 0, "height": 2, "width": 3}},
    {"shape": "bitmask", "bitmask": {**_BM, "top": 0.0, "height": "2"}},
    {"shape": "bitmask", "bitmask": {**_BM, "top": 1.5}},
    {"shape": "zz", "bitmask": _BM},
    {"shape": "zz", "cuboid": {"position": [1], "orientation": [2], "size": [3]}, "bitmask": _BM},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2, "name": "a", "featureHash": "pa", "visibility": "occluded"}, "1": {"x": 3, "y": 4, "name": "b", "color": "#fff", "value": "v"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2, "name": "a", "invisible": True, "visibility": "visible"}, "1": {"x": 1, "y": 2, "name": "b", "occluded": True, "selfOccluded": True}, "2": {"x": 1, "y": 2, "name": "b", "visible": True, "occluded": False}, "3": {"x": 1, "y": 2, "name": "b", "visible": False, "visibility": "occluded"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2, "name": "a", "occluded": True, "invisible": True}, "1": {"x": 1, "y": 2, "name": "a", "selfOccluded": True, "visible": True}, "2": {"x": 1, "y": 2, "name": "a", "invisible": 1, "visible": "yes"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"1": {"x": 1, "y": 2, "name": "a"}, "0": {"x": 3, "y": 4, "name": "b"}, "10": {"x": 5, "y": 6, "name": "c"}}},
    {"shape": "skeleton", "skeleton": {}},
    {"shape": "skeleton", "name": None, "skeleton": {}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": "q", "y": 2, "name": "a"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2, "name": "a", "visibility": "zz"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"a": {"x": 1, "y": 2, "name": "n"}}},
    {"shape": "skeleton", "name": "n", "skeleton": {"0": {"x": 1, "y": 2, "name": "a", "invisible": False, "visibility": None}}},
    {"shape": "skeleton", "name": "n", "skeleton": {}},
    {"shape": "zz", "skeleton": {}, "name": "n", "bitmask": _BM},
    {"shape": "bounding_box", "skeleton": {}, "name": "n", "boundingBox": _BB},
    {"shape": "segmentation"},
    {"shape": "zz"},
    {"shape": "skeleton"},
    {"shape": "bitmask"},
    {"shape": "audio", "range": [[0, 1]]},
    {"shape": "text", "range": [[0, 1]]},
]  # fmt: skip


def _parse_norm(c: Any) -> Any:
    return (type(c).__name__, coord_to_dict(c))


@pytest.mark.parametrize("entry", PARSE_CASES)
def test_parse_frame_object_entry(entry: dict[str, Any]) -> None:
    for ours_fn, ref_fn in [
        (o_coords.get_coordinates_from_frame_object_dict, r_coords.get_coordinates_from_frame_object_dict),
        (o_coords.frame_object_coordinates, r_coords.frame_object_coordinates),
        (
            o_coords.get_geometric_coordinates_from_frame_object_dict,
            r_coords.get_geometric_coordinates_from_frame_object_dict,
        ),
    ]:
        assert_parity(
            lambda f=ours_fn: f(copy.deepcopy(entry)), lambda f=ref_fn: f(copy.deepcopy(entry)), convert=_parse_norm
        )
    o_kind, o_val = outcome(lambda: o_coords.coordinates_from_frame_geometry(copy.deepcopy(entry)))
    r_kind, r_val = outcome(lambda: r_coords.get_coordinates_from_frame_object_dict(copy.deepcopy(entry)))
    if entry.get("shape") in ("audio", "text") and "range" in entry:
        assert o_kind == "ok"  # labelrow extension: range shapes are readable
        return
    assert o_kind == r_kind, (o_val, r_val)
    if o_kind == "ok":
        assert _parse_norm(o_val) == _parse_norm(r_val)
    else:
        assert_same_error(o_val, r_val)
        if isinstance(r_val, (KeyError, TypeError, ValueError, NotImplementedError)) and not isinstance(
            r_val, r_exc.EncordException
        ):
            assert isinstance(o_val, o_exc.LabelRowError)


def test_per_class_from_dict() -> None:
    cases = [
        ("BoundingBoxCoordinates", {"boundingBox": _BB}),
        ("BoundingBoxCoordinates", _BB),
        ("RotatableBoundingBoxCoordinates", {"rotatableBoundingBox": {**_BB, "theta": 1}}),
        ("CircleCoordinates", {"circle": {"x": 1, "y": 2, "r": 3}}),
        ("EllipseCoordinates", {"ellipse": {"x": 1, "y": 2, "rx": 3, "ry": 4}}),
        ("PointCoordinate", {"point": {"0": {"x": 1, "y": 2, "z": 3}}}),
        ("PointCoordinate3D", {"point": {"0": {"x": 1, "y": 2}}}),
        ("PointCoordinate3D", {"point": {"0": {"x": 1, "y": 2, "z": 3}}}),
        ("CuboidCoordinates", {"position": [1, 2, 3], "orientation": [4, 5, 6], "size": [7, 8, 9]}),
        ("PolylineCoordinates", {"polyline": {}}),
        ("PolygonCoordinates", {}),
    ]
    for name, d in cases:
        assert_parity(
            lambda n=name, x=d: getattr(o_coords, n).from_dict(x),
            lambda n=name, x=d: getattr(r_coords, n).from_dict(x),
            convert=_parse_norm,
        )


# ---------------------------------------------------------------------------------------------------------------
# polygon constructor rules, helpers


def test_polygon_constructor_rules(caplog: pytest.LogCaptureFixture) -> None:
    def both(values: Any, polygons: Any) -> None:
        def mk(mod: Any) -> Any:
            v = None if values is None else _points(mod, values)
            p = None if polygons is None else [[_points(mod, ring) for ring in poly] for poly in polygons]
            c = mod.PolygonCoordinates(values=v, polygons=p)
            return (repr(c.values), repr(c.polygons), c.to_dict(), c.to_dict("multiple_polygons"))

        assert_parity(lambda: mk(o_coords), lambda: mk(r_coords), convert=lambda x: x)

    for values, polygons in [
        (None, None),
        ([], None),
        ([], []),
        (None, []),
        ([(1, 2)], None),
        ([(1, 2)], []),
        ([], [[[(1, 2)]]]),
        ([(7, 7)], [[[(1, 2)]]]),
        ([(1, 2)], [[[(1, 2)]]]),
        (None, [[]]),
        (None, [[[]]]),
        (None, [[[(1, 2), (3, 4)], [(0, 0)]], [[(9, 9)]]]),
    ]:
        both(values, polygons)
    with caplog.at_level("WARNING"):
        o_coords.PolygonCoordinates([o_coords.PointCoordinate(7, 7)], [[[o_coords.PointCoordinate(1, 2)]]])
    assert "not consistent" in caplog.text
    pg = o_coords.PolygonCoordinates([o_coords.PointCoordinate(1, 2)])
    with pytest.raises(o_exc.LabelRowError):
        pg.to_dict("zz")
    assert pg.to_dict(o_coords.PolygonCoordsToDict.multiple_polygons) == [[[1, 2]]]
    assert_parity(
        lambda: _parse_norm(o_coords.PolygonCoordinates.from_polygons_list([[[1, 2, 3, 4]], [[5, 6, 7, 8]]])),
        lambda: _parse_norm(r_coords.PolygonCoordinates.from_polygons_list([[[1, 2, 3, 4]], [[5, 6, 7, 8]]])),
        convert=lambda x: x,
    )
    assert_parity(
        lambda: o_coords.PolygonCoordinates.from_polygons_list([]),
        lambda: r_coords.PolygonCoordinates.from_polygons_list([]),
    )


def test_flat_helpers_and_zeroed() -> None:
    for ring in [[1, 2, 3, 4], [], [1, 2, 3], [1.5, 2]]:
        assert_parity(
            lambda r=ring: o_coords.flat_to_pnt_coordinates(r), lambda r=ring: r_coords.flat_to_pnt_coordinates(r)
        )
    assert o_coords.pnt_coordinates_to_flat([o_coords.PointCoordinate(1, 2.5)]) == [1, 2.5]
    for cuboid in [{"offset": None}, {"vanishingPoint": {}}, {}, {"front": []}]:
        assert o_coords.is_offset(cuboid) == r_coords.is_offset(cuboid)
        assert o_coords.is_perspective(cuboid) == r_coords.is_perspective(cuboid)
    from encord.objects.common import Shape as RShape

    from labelrow.objects.common import Shape as OShape

    for shape in RShape:
        assert_parity(
            lambda s=shape: o_coords.zeroed_coordinates(OShape(s.value)),
            lambda s=shape: r_coords.zeroed_coordinates(s),
        )
        o_kind, o_val = outcome(lambda s=shape: o_coords.zeroed_coordinates(OShape(s.value)))
        _, r_val = outcome(lambda s=shape: r_coords.zeroed_coordinates(s))
        if o_kind == "err":
            assert o_val.message == r_val.message


# ---------------------------------------------------------------------------------------------------------------
# bitmask


def _bitmask_sources(mod: Any) -> list[Any]:
    cls = mod.BitmaskCoordinates
    mask = np.array([[0, 0, 1], [1, 1, 0]], dtype=bool)

    class WithTobytes:
        def __init__(self, a: np.ndarray) -> None:
            self.a = a

        @property
        def __array_interface__(self) -> dict[str, Any]:
            return self.a.__array_interface__

        def tobytes(self) -> bytes:
            return self.a.tobytes()

    class WithoutTobytes:
        def __init__(self, a: np.ndarray) -> None:
            self.a = a

        @property
        def __array_interface__(self) -> dict[str, Any]:
            return self.a.__array_interface__

    return [
        mask,
        np.asfortranarray(np.array([[1, 0, 1], [0, 0, 1]], dtype=bool)),
        np.array([[1, 0, 1], [0, 0, 0]], dtype=bool)[:, ::2],
        np.zeros((0, 2), dtype=bool),
        np.ones((3, 4), dtype=bool),
        np.array([[0, 1]]),
        np.array([[0, 1]], dtype=np.uint8),
        np.array([0, 1], dtype=bool),
        np.array([1, 0]),
        np.zeros((1, 2, 2), dtype=bool),
        np.zeros((2, 2, 2), dtype=np.uint8),
        WithTobytes(mask),
        WithoutTobytes(mask),
        {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": "231"},
        {"top": 0, "left": 0, "height": 2, "width": 3, "rle_string": "231"},
        {"top": 0, "left": 0, "height": 2, "width": 3},
        {"top": "1", "left": 0, "height": 2.0, "width": 3, "rleString": "231"},
        {"top": "x", "left": 0, "height": 2, "width": 3, "rleString": "231"},
        {"top": 1.5, "left": 0, "height": 2, "width": 3, "rleString": "231"},
        {"top": None, "left": 0, "height": 2, "width": 3, "rleString": "231"},
        {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": 5},
        {"bitmask": {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": "231"}},
        {"top": 0, "left": 0, "height": 1, "width": 2, "rleString": "11", "bitmask": 5},
        cls.EncodedBitmask(top=0, left=0, height=2, width=3, rle_string="231"),
        [[True, False]],
        "abc",
        None,
    ]


@pytest.mark.parametrize("index", range(len(_bitmask_sources(r_bitmask))))
def test_bitmask_construction(index: int) -> None:
    ours_src, ref_src = _bitmask_sources(o_bitmask)[index], _bitmask_sources(r_bitmask)[index]
    assert_parity(
        lambda: o_bitmask.BitmaskCoordinates(ours_src),
        lambda: r_bitmask.BitmaskCoordinates(ref_src),
        convert=lambda b: (b.to_dict(), b.to_numpy_array().tolist()),
    )
    o_kind, o_val = outcome(lambda: o_bitmask.BitmaskCoordinates(ours_src))
    _, r_val = outcome(lambda: r_bitmask.BitmaskCoordinates(ref_src))
    if o_kind == "err":
        assert type(o_val).__name__ == type(r_val).__name__
        assert str(o_val).split(" timestamp=")[0] == str(r_val).split(" timestamp=")[0]


def test_bitmask_from_dict_and_decode_edges() -> None:
    for d in [
        {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": "231"},
        {"bitmask": {"top": 0, "left": 0, "height": 2, "width": 3, "rleString": "231"}},
        {"bitmask": None, "top": 0, "left": 0, "height": 1, "width": 2, "rleString": "11"},
        {"top": 0},
        {"bitmask": {"top": 0}},
    ]:
        assert_parity(
            lambda x=d: o_bitmask.BitmaskCoordinates.from_dict(x),
            lambda x=d: r_bitmask.BitmaskCoordinates.from_dict(x),
            convert=lambda b: b.to_dict(),
        )
    for rle, h, w in [("231", 2, 2), ("231", 4, 4), ("", 0, 0), ("", 1, 3), ("231", 2, 3), ("0:", 2, 5)]:
        d = {"top": 0, "left": 0, "height": h, "width": w, "rleString": rle}
        assert_parity(
            lambda x=d: o_bitmask.BitmaskCoordinates(x).to_numpy_array(),
            lambda x=d: r_bitmask.BitmaskCoordinates(x).to_numpy_array(),
            convert=lambda a: (a.dtype, a.shape, a.tolist()),
        )


@pytest.mark.parametrize("use_rust", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_bitmask_random_masks_and_python_fallback(seed: int, use_rust: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not use_rust:
        monkeypatch.setattr(o_bitmask, "_rust_rle_encode", None)
        monkeypatch.setattr(o_bitmask, "_rust_rle_decode", None)
    rng = np.random.default_rng(seed)
    for i in range(80):
        h, w = (int(x) for x in rng.integers(0, 60, 2))
        mask = rng.random((h, w)) < rng.random()
        if i % 4 == 0:
            mask = np.asfortranarray(mask)
        ref = r_bitmask.BitmaskCoordinates(mask).to_dict()
        assert o_bitmask.BitmaskCoordinates(mask).to_dict() == ref
        assert o_bitmask._py_rle_encode(mask) == ref["rleString"]
        assert np.array_equal(o_bitmask._py_rle_decode(ref["rleString"], h, w), mask)
        decoded = o_bitmask.BitmaskCoordinates(ref).to_numpy_array()
        assert decoded.dtype == np.bool_ and np.array_equal(decoded, mask)
    big = np.zeros((100, 100), dtype=bool)
    big.ravel()[1000:3000] = True
    assert o_bitmask._py_rle_encode(big) == r_bitmask.BitmaskCoordinates(big).to_dict()["rleString"]
    assert o_bitmask._runs_to_string([1000, 2000, 31]) == "Xo0`n1o0"


def test_bitmask_size_check_on_frame_dict() -> None:
    for mod, exc_mod in ((o_coords, o_bitmask), (r_coords, r_bitmask)):
        bm = exc_mod.BitmaskCoordinates(np.zeros((2, 3), dtype=bool))
        with pytest.raises(ValueError):
            mod.add_coordinates_to_frame_object_dict(bm, {}, 3, 3)
    bm = o_bitmask.BitmaskCoordinates(np.zeros((2, 3), dtype=bool))
    with pytest.raises(o_exc.LabelRowError):
        o_coords.add_coordinates_to_frame_object_dict(bm, {}, None, None)
    with pytest.raises(NotImplementedError):
        o_coords.add_coordinates_to_frame_object_dict(o_coords.AudioCoordinates(range=[]), {}, None, None)


# ---------------------------------------------------------------------------------------------------------------
# pydantic-based coordinate validation


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SkeletonCoordinate", {"x": 1, "y": "2", "name": "n", "featureHash": "fh", "visibility": "occluded"}),
        ("SkeletonCoordinate", {"x": 1, "y": 2, "name": "n", "feature_hash": "fh", "visibility": "selfOccluded"}),
        ("SkeletonCoordinate", {"x": 1, "y": 2, "name": "n", "visibility": "zz"}),
        ("SkeletonCoordinate", {"x": "a", "y": 2, "name": "n"}),
        ("SkeletonCoordinate", {"x": 1, "y": 2}),
        ("AudioCoordinates", {"range": [[0, 1]]}),
        ("AudioCoordinates", {"range": [{"start": 0, "end": 1}]}),
        ("AudioCoordinates", {"range": [{"start": "1", "end": 2.0}]}),
        ("AudioCoordinates", {"range": [{"start": "1.5", "end": 2.0}]}),
        ("AudioCoordinates", {"range": []}),
        ("AudioCoordinates", {}),
        ("TextCoordinates", {"range": [(0, 1)]}),
        ("TimeRangeCoordinates", {"range": None}),
        (
            "HtmlCoordinates",
            {"range": [{"start": {"xpath": "/a", "offset": 1}, "end": {"xpath": "/b", "offset": "2"}}]},
        ),
        ("HtmlCoordinates", {"range": [{"start": {"xpath": "/a"}, "end": {"xpath": "/b", "offset": 2}}]}),
        ("HtmlCoordinates", {"range": [[1, 2]]}),
    ],
)
def test_pydantic_coordinates(name: str, kwargs: dict[str, Any]) -> None:
    def norm(c: Any) -> Any:
        return (repr(c), c.to_dict())

    assert_parity(lambda: getattr(o_coords, name)(**kwargs), lambda: getattr(r_coords, name)(**kwargs), convert=norm)
    assert_parity(
        lambda: getattr(o_coords, name).from_dict(kwargs),
        lambda: getattr(r_coords, name).from_dict(kwargs),
        convert=norm,
    )


def test_skeleton_to_dict_ignores_arguments() -> None:
    values = [{"x": 1, "y": 2, "name": "a", "color": None, "visibility": "visible"}]
    ours = o_coords.SkeletonCoordinates(values=values, name="s")  # type: ignore[arg-type]
    ref = r_coords.SkeletonCoordinates(values=values, name="s")
    assert ours.to_dict(by_alias=False, exclude_none=False) == ref.to_dict(by_alias=False, exclude_none=False)
    assert repr(ours) == repr(ref)
    assert ours.model_dump() == {k: v for k, v in ref.model_dump().items()}
