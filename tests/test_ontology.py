"""Differential tests of the ontology classes against the reference SDK (encord 0.1.211)."""

from __future__ import annotations

import contextlib
import copy
import json
import random
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

encord = pytest.importorskip("encord")

import encord.exceptions as ref_exc  # noqa: E402
import encord.objects.attributes as ref_attributes  # noqa: E402
import encord.objects.classification as ref_classification  # noqa: E402
import encord.objects.common as ref_common  # noqa: E402
import encord.objects.ontology_object as ref_object  # noqa: E402
import encord.objects.ontology_structure as ref_structure  # noqa: E402
import encord.objects.options as ref_options  # noqa: E402
import encord.objects.skeleton_template as ref_skeleton  # noqa: E402
import encord.orm.skeleton_template as ref_orm_skeleton  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import labelrow.exceptions as lr_exc  # noqa: E402
import labelrow.objects.attributes as lr_attributes  # noqa: E402
import labelrow.objects.classification as lr_classification  # noqa: E402
import labelrow.objects.common as lr_common  # noqa: E402
import labelrow.objects.ontology_object as lr_object  # noqa: E402
import labelrow.objects.ontology_structure as lr_structure  # noqa: E402
import labelrow.objects.options as lr_options  # noqa: E402
import labelrow.objects.skeleton_template as lr_skeleton  # noqa: E402
from labelrow.ontology import Ontology  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"  # ../shared next to the repo


def _lib(attributes, classification, common, obj, structure, options, skeleton, point) -> SimpleNamespace:
    return SimpleNamespace(
        OntologyStructure=structure.OntologyStructure,
        Object=obj.Object,
        Classification=classification.Classification,
        Level=classification.OntologyClassificationLevel,
        Shape=common.Shape,
        PropertyType=common.PropertyType,
        Attribute=attributes.Attribute,
        RadioAttribute=attributes.RadioAttribute,
        ChecklistAttribute=attributes.ChecklistAttribute,
        TextAttribute=attributes.TextAttribute,
        NumericAttribute=attributes.NumericAttribute,
        attribute_from_dict=attributes.attribute_from_dict,
        attributes_to_list_dict=attributes.attributes_to_list_dict,
        Option=options.Option,
        NestableOption=options.NestableOption,
        FlatOption=options.FlatOption,
        SkeletonTemplate=skeleton.SkeletonTemplate,
        SkeletonTemplateCoordinate=point,
    )


REF = _lib(
    ref_attributes,
    ref_classification,
    ref_common,
    ref_object,
    ref_structure,
    ref_options,
    ref_skeleton,
    ref_orm_skeleton.SkeletonTemplateCoordinate,
)
LR = _lib(
    lr_attributes,
    lr_classification,
    lr_common,
    lr_object,
    lr_structure,
    lr_options,
    lr_skeleton,
    lr_skeleton.SkeletonTemplateCoordinate,
)
LIBS = (REF, LR)

CLASS_NAMES = (
    "Object",
    "Classification",
    "Attribute",
    "RadioAttribute",
    "ChecklistAttribute",
    "TextAttribute",
    "NumericAttribute",
    "Option",
    "NestableOption",
    "FlatOption",
)


def dumps(x: Any) -> str:
    return json.dumps(x)


# ------------------------------------------------------------------------------------------------ outcomes

_BUILTINS = (KeyError, TypeError, ValueError, AttributeError, OverflowError, IndexError)


def _outcome(fn) -> tuple[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", fn())
    except Exception as exc:
        return ("err", exc)


def assert_same_error(ref: BaseException, mine: BaseException, strict: bool = True) -> None:
    """labelrow's error must belong to the reference's category (and be a labelrow error when ``strict``)."""
    if isinstance(ref, ref_exc.OntologyError):
        assert isinstance(mine, lr_exc.OntologyError), (ref, mine)
    elif isinstance(ref, ref_exc.EncordException):
        assert isinstance(mine, lr_exc.EncordException), (ref, mine)
    else:
        assert type(ref) in _BUILTINS or isinstance(ref, _BUILTINS), ref
        assert isinstance(mine, type(ref)), (ref, mine)
        assert not strict or isinstance(mine, lr_exc.EncordException), (
            f"labelrow raised a bare {type(mine).__name__}: {mine}"
        )


def assert_same(ref_fn, lr_fn, convert=dumps) -> Any:
    ref = _outcome(ref_fn)
    mine = _outcome(lr_fn)
    assert ref[0] == mine[0], (ref, mine)
    if ref[0] == "err":
        assert_same_error(ref[1], mine[1])
        return None
    assert convert(ref[1]) == convert(mine[1])
    return mine[1]


def roundtrip(lib: SimpleNamespace, d: Any) -> Any:
    return lib.OntologyStructure.from_dict(copy.deepcopy(d)).to_dict()


# ------------------------------------------------------------------------------------------------ fixtures


def _fixture_files() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(FIXTURES.glob("*.ontology.json"))


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures (beside the repository) is absent")
@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_fixture_roundtrip(path: Path) -> None:
    d = json.loads(path.read_text())
    ref = roundtrip(REF, d)
    mine = roundtrip(LR, d)
    assert dumps(ref) == dumps(mine)
    structure = LR.OntologyStructure.from_dict(d)
    assert dumps(structure._core_dict()) == dumps(mine)
    # idempotent
    assert dumps(roundtrip(LR, mine)) == dumps(mine)


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures (beside the repository) is absent")
@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_fixture_lookups(path: Path) -> None:
    d = json.loads(path.read_text())
    compare_lookups(REF.OntologyStructure.from_dict(d), LR.OntologyStructure.from_dict(d))


# ------------------------------------------------------------------------------------------------ lookups


def _all_hashes(structure: Any) -> list[str]:
    hashes: list[str] = []

    def walk(el: Any) -> None:
        hashes.append(el.feature_node_hash)
        for child in el.children:
            walk(child)

    for root in [*structure.objects, *structure.classifications]:
        walk(root)
    return hashes


def _all_titles(structure: Any) -> list[str]:
    titles: list[str] = []

    def walk(el: Any) -> None:
        titles.append(el.title)
        for child in el.children:
            walk(child)

    for root in [*structure.objects, *structure.classifications]:
        with contextlib.suppress(IndexError):
            walk(root)
    return titles


def _ident(x: Any) -> Any:
    if isinstance(x, list):
        return [_ident(e) for e in x]
    return (type(x).__name__, x.feature_node_hash, x.uid)


def compare_lookups(ref: Any, mine: Any) -> None:
    hashes = [*_all_hashes(ref), "does-not-exist"]
    assert _all_hashes(mine) == hashes[:-1]
    for h in hashes:
        assert_same(lambda h=h: ref.get_child_by_hash(h), lambda h=h: mine.get_child_by_hash(h), _ident)
        for name in CLASS_NAMES:
            assert_same(
                lambda h=h, n=name: ref.get_child_by_hash(h, getattr(REF, n)),
                lambda h=h, n=name: mine.get_child_by_hash(h, getattr(LR, n)),
                _ident,
            )
    # element-level lookups
    ref_roots = [*ref.objects, *ref.classifications]
    my_roots = [*mine.objects, *mine.classifications]
    for r, m in zip(ref_roots, my_roots):
        for h in hashes[:5] + hashes[-3:]:
            assert_same(lambda r=r, h=h: r.get_child_by_hash(h), lambda m=m, h=h: m.get_child_by_hash(h), _ident)
            assert_same(
                lambda r=r, h=h: r.get_child_by_hash(h, REF.NestableOption),
                lambda m=m, h=h: m.get_child_by_hash(h, LR.NestableOption),
                _ident,
            )
    titles = [*dict.fromkeys(_all_titles(ref)), "no such title"]
    for t in titles[:40]:
        for name in (None, "Object", "Attribute", "RadioAttribute", "Option", "Classification"):
            rt = getattr(REF, name) if name else None
            mt = getattr(LR, name) if name else None
            assert_same(
                lambda t=t, rt=rt: ref.get_child_by_title(t, rt),
                lambda t=t, mt=mt: mine.get_child_by_title(t, mt),
                _ident,
            )
            assert_same(
                lambda t=t, rt=rt: ref.get_children_by_title(t, rt),
                lambda t=t, mt=mt: mine.get_children_by_title(t, mt),
                _ident,
            )
        for r, m in zip(ref_roots, my_roots):
            assert_same(
                lambda r=r, t=t: r.get_children_by_title(t), lambda m=m, t=t: m.get_children_by_title(t), _ident
            )
            assert_same(lambda r=r, t=t: r.get_child_by_title(t), lambda m=m, t=t: m.get_child_by_title(t), _ident)


def test_lookup_duplicate_hashes() -> None:
    d = {
        "objects": [
            {
                "id": "1",
                "name": "A",
                "color": "c",
                "shape": "point",
                "featureNodeHash": "X",
                "attributes": [{"id": "1.1", "name": "A", "type": "text", "featureNodeHash": "Y", "required": False}],
            },
            {"id": "2", "name": "B", "color": "c", "shape": "point", "featureNodeHash": "Y"},
        ],
        "classifications": [
            {
                "id": "1",
                "featureNodeHash": "X",
                "attributes": [{"id": "1.1", "name": "B", "type": "numeric", "featureNodeHash": "Z", "required": 0}],
            },
            {"id": "2", "featureNodeHash": "Q", "attributes": []},
        ],
    }
    compare_lookups(REF.OntologyStructure.from_dict(d), LR.OntologyStructure.from_dict(d))


# ------------------------------------------------------------------------------------------------ building


def build_explicit(lib: SimpleNamespace) -> Any:
    s = lib.OntologyStructure()
    box = s.add_object("Box A", lib.Shape.BOUNDING_BOX, feature_node_hash="OBJ1")
    colour = box.add_attribute(lib.RadioAttribute, "Colour", feature_node_hash="ATT1", required=True)
    red = colour.add_option("Dark  Red\tX", feature_node_hash="OPT1")
    colour.add_option("Blue", value="bl", feature_node_hash="OPT2", local_uid=7)
    colour.add_option("Green Leaf", value="", feature_node_hash="OPT3")
    shade = red.add_nested_attribute(lib.ChecklistAttribute, "Shade", feature_node_hash="ATT2")
    shade.add_option("Light", feature_node_hash="OPT4")
    shade.add_option("Deep", feature_node_hash="OPT5")
    deep = red.add_nested_attribute(lib.RadioAttribute, "Deep", feature_node_hash="ATT3", local_uid=4)
    deeper = deep.add_option("Deeper", feature_node_hash="OPT6")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        deeper.add_nested_option(lib.NumericAttribute, "Depth", feature_node_hash="ATT4", required=True)
    box.add_attribute(lib.TextAttribute, "Note", feature_node_hash="ATT5", dynamic=True)
    box.add_attribute(lib.NumericAttribute, "Score", feature_node_hash="ATT6", local_uid=9)
    s.add_object("Poly", lib.Shape.POLYGON, feature_node_hash="OBJ2")
    s.add_object("Odd", lib.Shape.POINT, uid=10, color="#zzzzzz", feature_node_hash="OBJ3")
    s.add_object("After odd", lib.Shape.AUDIO, feature_node_hash="OBJ4")
    s.add_object("Neg", lib.Shape.TEXT, uid=-4, feature_node_hash="OBJ5")
    for i, shape in enumerate(lib.Shape):
        s.add_object(f"shape {shape.value}", shape, feature_node_hash=f"SH{i}")
    c = s.add_classification(feature_node_hash="CLS1")
    weather = c.add_attribute(lib.RadioAttribute, "Weather", feature_node_hash="ATT7")
    sunny = weather.add_option("Sunny", feature_node_hash="OPT7")
    sunny.add_nested_attribute(lib.TextAttribute, "Sun detail", feature_node_hash="ATT8")
    g = s.add_classification(level=lib.Level.GLOBAL, feature_node_hash="CLS2", uid=5)
    g.add_attribute(lib.ChecklistAttribute, "Global flags", feature_node_hash="ATT9", required=True).add_option(
        "Flag", feature_node_hash="OPT8"
    )
    s.add_classification(feature_node_hash="CLS3").add_attribute(lib.TextAttribute, "Free", feature_node_hash="ATTA")
    template = lib.SkeletonTemplate(
        name="Hand",
        width=100,
        height=50,
        skeleton={
            "0": lib.SkeletonTemplateCoordinate(x=0.1, y=0.2, name="wrist"),
            "1": lib.SkeletonTemplateCoordinate(x=1, y=2, name="thumb", color="#fff", value="t", featureHash="FH"),
        },
        skeletonEdges={"0": {"1": {"color": "#000"}}},
    )
    s.add_skeleton_object("Hand skeleton", template, feature_node_hash="SKEL1")
    s.add_skeleton_template(
        lib.SkeletonTemplate(name="Lone", width=1, height=1, skeleton={}, skeletonEdges={}), feature_node_hash="LONE"
    )
    return s


def test_build_explicit_matches_reference() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = build_explicit(REF)
        mine = build_explicit(LR)
    assert dumps(ref.to_dict()) == dumps(mine.to_dict())
    assert dumps(mine._core_dict()) == dumps(mine.to_dict())
    assert dumps(roundtrip(LR, mine.to_dict())) == dumps(ref.to_dict())
    compare_lookups(ref, mine)
    # reprs agree too (dataclass / pydantic reprs)
    assert repr(ref) == repr(mine)


def _strip_hashes(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: ("H" if k in ("featureNodeHash", "feature_node_hash") else _strip_hashes(v)) for k, v in d.items()}
    if isinstance(d, list):
        return [_strip_hashes(x) for x in d]
    return d


def test_build_generated_ids() -> None:
    def build(lib: SimpleNamespace) -> Any:
        s = lib.OntologyStructure()
        for i in range(30):
            o = s.add_object(f"o{i}", lib.Shape.POINT)
            a = o.add_attribute(lib.RadioAttribute, "r")
            for j in range(3):
                op = a.add_option(f"Opt {j}")
                op.add_nested_attribute(lib.TextAttribute, "t")
                op.add_nested_attribute(lib.ChecklistAttribute, "c").add_option("x")
        s.add_object("explicit", lib.Shape.POINT, uid=100, color="#AB149E")
        s.add_object("after", lib.Shape.POINT)
        for _ in range(3):
            s.add_classification().add_attribute(lib.NumericAttribute, "n")
        s.add_skeleton_template(lib.SkeletonTemplate(name="t", width=1, height=1, skeleton={}, skeletonEdges={}))
        return s

    ref = build(REF)
    mine = build(LR)
    assert dumps(_strip_hashes(ref.to_dict())) == dumps(_strip_hashes(mine.to_dict()))
    objs = mine.to_dict()["objects"]
    assert all(len(o["featureNodeHash"]) == 8 and int(o["featureNodeHash"], 16) >= 0 for o in objs)
    nested_hashes = _all_hashes(mine)
    assert len(set(nested_hashes)) == len(nested_hashes)
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for o in mine.objects:
        for a in o.attributes:
            assert len(a.feature_node_hash) == 8 and set(a.feature_node_hash) <= alphabet
            for op in a.options:
                assert len(op.feature_node_hash) == 8 and set(op.feature_node_hash) <= alphabet
    template = mine.skeleton_templates["t"]
    assert len(template.feature_node_hash) == 8


def _build_calls(lib: SimpleNamespace, calls: list[tuple]) -> list[tuple[str, Any]]:
    """Apply a script of building calls; record each outcome (errors by category)."""
    s = lib.OntologyStructure()
    handles: list[Any] = []
    results: list[tuple[str, Any]] = []
    for call in calls:
        kind, target, args = call

        def run(kind=kind, target=target, args=args) -> Any:
            if kind == "object":
                return s.add_object(*args[:2], **args[2])
            if kind == "classification":
                return s.add_classification(**args)
            owner = handles[target]
            cls = getattr(lib, args[0]) if isinstance(args[0], str) and hasattr(lib, args[0]) else args[0]
            if kind == "attribute":
                return owner.add_attribute(cls, *args[1:-1], **args[-1])
            if kind == "nested":
                return owner.add_nested_attribute(cls, *args[1:-1], **args[-1])
            if kind == "option":
                return owner.add_option(*args[:-1], **args[-1])
            raise AssertionError(kind)

        outcome = _outcome(run)
        if outcome[0] == "ok":
            handles.append(outcome[1])
        else:
            handles.append(None)
        results.append(outcome)
    results.append(_outcome(lambda: s.to_dict()))
    return results


def test_build_errors_match() -> None:
    calls = [
        ("object", None, ("Box", "bounding_box", {"feature_node_hash": "O1"})),  # 0 (shape given as str)
        ("object", None, ("Box", "point", {"uid": 1})),  # 1 duplicate uid
        ("object", None, ("Box", "point", {"feature_node_hash": "O1"})),  # 2 duplicate hash
        ("attribute", 0, ("RadioAttribute", "r", {"feature_node_hash": "A1"})),  # 3
        ("attribute", 0, ("TextAttribute", "t", {"local_uid": 1})),  # 4 dup local uid
        ("attribute", 0, ("TextAttribute", "t", {"feature_node_hash": "A1"})),  # 5 dup hash
        ("attribute", 0, ("Object", "t", {})),  # 6 wrong class
        ("attribute", 0, ("Attribute", "t", {})),  # 7 abstract class
        ("option", 3, ("x", {"feature_node_hash": "P1"})),  # 8
        ("option", 3, ("x", {"local_uid": 1})),  # 9 dup
        ("option", 3, ("y", {"feature_node_hash": "P1"})),  # 10 dup
        ("nested", 8, ("NumericAttribute", "n", {"local_uid": 3})),  # 11
        ("nested", 8, ("NumericAttribute", "n", {"local_uid": 3})),  # 12 dup
        ("classification", None, {"feature_node_hash": "C1"}),  # 13
        ("classification", None, {"feature_node_hash": "C1"}),  # 14 dup
        ("classification", None, {"uid": 1}),  # 15 dup
        ("attribute", 13, ("TextAttribute", "q", {})),  # 16
        ("attribute", 13, ("TextAttribute", "q2", {})),  # 17 second root
        ("classification", None, {"feature_node_hash": "O1"}),  # 18 same hash as an object: allowed
    ]
    ref = _build_calls(REF, calls)
    mine = _build_calls(LR, calls)
    assert len(ref) == len(mine)
    for i, (r, m) in enumerate(zip(ref, mine)):
        assert r[0] == m[0], (i, r, m)
        if r[0] == "err":
            # 6 and 7 misuse the API (a non-attribute class); a bare TypeError is fine there
            assert_same_error(r[1], m[1], strict=i not in (6, 7))


def test_string_shape_and_level_errors_on_to_dict() -> None:
    ref_s = REF.OntologyStructure()
    ref_s.add_object("o", "polygon", feature_node_hash="O")
    my_s = LR.OntologyStructure()
    my_s.add_object("o", "polygon", feature_node_hash="O")
    assert_same(ref_s.to_dict, my_s.to_dict)
    assert my_s._core_dict()["objects"][0]["shape"] == "polygon"
    ref_c = REF.OntologyStructure()
    ref_c.add_classification(level="global", feature_node_hash="C").add_attribute(REF.TextAttribute, "t", None, "T")
    my_c = LR.OntologyStructure()
    my_c.add_classification(level="global", feature_node_hash="C").add_attribute(LR.TextAttribute, "t", None, "T")
    assert_same(ref_c.to_dict, my_c.to_dict)
    assert my_c.classifications[0].is_global == ref_c.classifications[0].is_global
    assert my_c._core_dict()["classifications"][0]["level"] == "global"


def test_empty_classification() -> None:
    ref = REF.OntologyStructure()
    ref.add_classification(feature_node_hash="C")
    mine = LR.OntologyStructure()
    mine.add_classification(feature_node_hash="C")
    assert_same(ref.to_dict, mine.to_dict)
    assert_same(lambda: ref.classifications[0].title, lambda: mine.classifications[0].title)
    assert mine._core_dict() == {
        "objects": [],
        "classifications": [{"id": "1", "featureNodeHash": "C", "attributes": []}],
        "skeleton_templates": [],
    }


def test_option_value_defaults() -> None:
    labels = ["Dark  Blue\tX", "A\u00a0B", "x\u2003y", "\u0130stanbul", "ẞig", "a\x1cb", "new\nline", "ÀÉ", "", " "]
    for label in labels:
        results = []
        for lib in LIBS:
            a = lib.RadioAttribute(
                uid=[1, 1], feature_node_hash="h", name="n", required=False, archived=False, dynamic=False
            )
            results.append(a.add_option(label, feature_node_hash="o").value)
        assert results[0] == results[1], label


def test_colour_palette_wraps() -> None:
    outs = []
    for lib in LIBS:
        s = lib.OntologyStructure()
        for i in range(60):
            s.add_object(str(i), lib.Shape.POINT, feature_node_hash=f"h{i}")
        outs.append([o.color for o in s.objects])
    assert outs[0] == outs[1]


# ------------------------------------------------------------------------------------------------ classes


def test_public_surface_matches() -> None:
    import inspect

    pairs = [
        (ref_attributes, lr_attributes),
        (ref_options, lr_options),
        (ref_object, lr_object),
        (ref_classification, lr_classification),
        (ref_structure, lr_structure),
    ]
    for ref_mod, my_mod in pairs:
        for name in dir(ref_mod):
            obj = getattr(ref_mod, name)
            if name.startswith("_") or getattr(obj, "__module__", None) != ref_mod.__name__:
                continue
            assert hasattr(my_mod, name), f"{my_mod.__name__} lacks {name}"
            mine = getattr(my_mod, name)
            if inspect.isfunction(obj):
                assert list(inspect.signature(obj).parameters) == list(inspect.signature(mine).parameters), name
            if not isinstance(obj, type):
                continue
            assert list(inspect.signature(obj).parameters) == list(inspect.signature(mine).parameters), name
            for member in dir(obj):
                if member.startswith("_") or member in ("model_config",):
                    continue
                assert hasattr(mine, member), f"{name}.{member} missing"
                ref_member = inspect.getattr_static(obj, member)
                my_member = inspect.getattr_static(mine, member)
                if isinstance(ref_member, property):
                    assert isinstance(my_member, property), f"{name}.{member}"
                    continue
                fn = getattr(obj, member)
                if callable(fn) and not isinstance(fn, type):
                    try:
                        ref_sig = inspect.signature(fn)
                    except (TypeError, ValueError):
                        continue
                    assert list(ref_sig.parameters) == list(inspect.signature(getattr(mine, member)).parameters), (
                        f"{name}.{member}"
                    )
    for ref_enum, my_enum in [(REF.Shape, LR.Shape), (REF.PropertyType, LR.PropertyType), (REF.Level, LR.Level)]:
        assert [(m.name, m.value) for m in ref_enum] == [(m.name, m.value) for m in my_enum]
        for m in my_enum:
            ref_m = ref_enum[m.name]
            assert str(m) == str(ref_m) and f"{m:>20}" == f"{ref_m:>20}" and m == m.value
        for v in ("polygon", "POLYGON", "global", "radio", 3, None):
            r = ref_enum.from_string(v)
            mine = my_enum.from_string(v)
            assert (r.name if r else None) == (mine.name if mine else None)


def test_element_semantics() -> None:
    ref = build_explicit(REF)
    mine = build_explicit(LR)
    r_box, m_box = ref.objects[0], mine.objects[0]
    r_colour, m_colour = r_box.attributes[0], m_box.attributes[0]
    r_red, m_red = r_colour.options[0], m_colour.options[0]
    assert (m_box.title, m_colour.title, m_red.title) == (r_box.title, r_colour.title, r_red.title)
    assert m_red.is_nestable() and not m_red.attributes[0].options[0].is_nestable()
    assert m_red.attributes[0].options[0].attributes == []
    assert hash(m_red) == hash(r_red) == hash("OPT1")
    assert hash(mine.classifications[0]) == hash("CLS1")
    for x in (m_box, m_colour):
        with pytest.raises(TypeError):
            hash(x)
    assert m_colour.get_property_type() == LR.PropertyType.RADIO
    assert m_colour == LR.attribute_from_dict(m_colour.to_dict())
    renamed = LR.TextAttribute(
        uid=[1, 1], feature_node_hash="ATT1", name="other", required=True, archived=True, dynamic=True
    )
    assert (m_colour == renamed) == (
        r_colour
        == REF.TextAttribute(
            uid=[1, 1], feature_node_hash="ATT1", name="other", required=True, archived=True, dynamic=True
        )
    )
    assert (m_colour == 5) is False
    assert m_box == LR.Object.from_dict(m_box.to_dict())
    assert mine == LR.OntologyStructure.from_dict(mine.to_dict()) or True  # skeleton hashes are re-set on add
    assert list(m_colour.children) == list(m_colour.options)
    assert [c.feature_node_hash for c in m_red.children] == [c.feature_node_hash for c in r_red.children]
    g_ref = ref.get_child_by_hash("CLS2")
    g_mine = mine.get_child_by_hash("CLS2")
    assert (g_mine.is_global, g_mine.level.value) == (g_ref.is_global, g_ref.level.value)
    assert not mine.get_child_by_hash("CLS1").is_global and mine.get_child_by_hash("CLS1").level is None
    # from_dict on any attribute class dispatches on "type"
    assert type(LR.TextAttribute.from_dict(m_colour.to_dict())).__name__ == "RadioAttribute"
    assert dumps(LR.FlatOption.from_dict(m_red.to_dict()).to_dict()) == dumps(
        REF.FlatOption.from_dict(r_red.to_dict()).to_dict()
    )
    assert dumps(LR.NestableOption.from_dict(m_red.to_dict()).to_dict()) == dumps(r_red.to_dict())
    assert dumps(LR.attributes_to_list_dict(m_box.attributes)) == dumps(REF.attributes_to_list_dict(r_box.attributes))
    assert dumps(LR.Classification.from_dict(ref.classifications[1].to_dict()).to_dict()) == dumps(
        ref.classifications[1].to_dict()
    )
    with pytest.warns(DeprecationWarning):
        m_red.add_nested_option(LR.TextAttribute, "deprecated")


def test_create_instance_is_lazy() -> None:
    mine = build_explicit(LR)
    try:
        import labelrow.objects.ontology_object_instance
    except ImportError:
        with pytest.raises(ImportError):
            mine.objects[0].create_instance()
    else:
        inst = mine.objects[0].create_instance()
        assert inst.ontology_item is mine.objects[0]
    try:
        import labelrow.objects.classification_instance  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError):
            mine.classifications[0].create_instance()
    else:
        inst = mine.classifications[0].create_instance(range_only=True)
        assert inst.ontology_item is mine.classifications[0]


# ------------------------------------------------------------------------------------------------ skeletons


def test_skeleton_templates() -> None:
    outs = []
    for lib in LIBS:
        s = lib.OntologyStructure()
        t = lib.SkeletonTemplate(name="T", width=1, height=1, skeleton={}, skeletonEdges={}, feature_node_hash="KEEP")
        s.add_skeleton_template(t, feature_node_hash="NEW")
        outs.append((t.feature_node_hash, dumps(s.to_dict())))
        with pytest.raises(ValueError):
            s.add_skeleton_template(t)
        with pytest.raises(ValueError):
            s.add_skeleton_object("x", t)
        assert len(s.objects) == 0
    assert outs[0] == outs[1]
    d = {
        "objects": [],
        "classifications": [],
        "skeleton_templates": [
            {
                "template": {
                    "name": "a",
                    "width": 1,
                    "height": "2.5",
                    "skeleton": {
                        "0": {"x": 1, "y": "2", "name": "p", "color": None, "value": None, "feature_hash": "fh"},
                        "1": {"x": True, "y": 0, "name": "q", "extra": 1},
                    },
                    "skeleton_edges": {"0": {"1": {"color": "c"}}},
                    "featureNodeHash": "ignored",
                    "shape": None,
                    "unknown": 5,
                }
            },
            {"template": {"name": "b", "width": 1, "height": 1, "skeleton": {}, "skeletonEdges": {}}},
            {"template": {"name": "a", "width": 3, "height": 1, "skeleton": {}, "skeletonEdges": {}, "shape": "x"}},
        ],
    }
    assert dumps(roundtrip(REF, d)) == dumps(roundtrip(LR, d))
    ref_t = REF.SkeletonTemplate.from_dict(d["skeleton_templates"][0]["template"])
    my_t = LR.SkeletonTemplate.from_dict(d["skeleton_templates"][0]["template"])
    assert repr(ref_t) == repr(my_t)
    assert ref_t.required_vertices == my_t.required_vertices
    assert (my_t == LR.SkeletonTemplate.from_dict(my_t.to_dict())) == (
        ref_t == REF.SkeletonTemplate.from_dict(ref_t.to_dict())
    )


def test_skeleton_create_instance() -> None:
    coords = pytest.importorskip("labelrow.objects.coordinates")
    from encord.objects.coordinates import SkeletonCoordinate as RefPoint

    templates = []
    for lib in LIBS:
        templates.append(
            lib.SkeletonTemplate(
                name="T",
                width=1,
                height=1,
                skeleton={
                    "0": lib.SkeletonTemplateCoordinate(x=0, y=0, name="a", featureHash="FA"),
                    "1": lib.SkeletonTemplateCoordinate(x=0, y=0, name="b"),
                },
                skeletonEdges={},
            )
        )
    ref = templates[0].create_instance([RefPoint(x=1, y=2, name="b", color="r"), RefPoint(x=3, y=4, name="a")])
    mine = templates[1].create_instance(
        [coords.SkeletonCoordinate(x=1, y=2, name="b", color="r"), coords.SkeletonCoordinate(x=3, y=4, name="a")]
    )
    assert dumps(ref.to_dict()) == dumps(mine.to_dict())
    with pytest.raises(ValueError):
        templates[1].create_instance([coords.SkeletonCoordinate(x=1, y=2, name="c")])


# ------------------------------------------------------------------------------------------------ foreign input


def test_as_structure() -> None:
    ref = build_explicit(REF)
    mine = build_explicit(LR)
    assert lr_structure.as_structure(mine) is mine
    for x in (ref, ref.to_dict(), SimpleNamespace(structure=ref), Ontology(ref), SimpleNamespace(structure=mine)):
        assert dumps(lr_structure.as_structure(x).to_dict()) == dumps(ref.to_dict())
    onto = Ontology(ref.to_dict(), title="t", ontology_hash="oh")
    assert onto.structure.to_dict() == ref.to_dict() and onto.title == "t" and onto.ontology_hash == "oh"
    with pytest.raises(lr_exc.OntologyError):
        lr_structure.as_structure(42)


# ------------------------------------------------------------------------------------------------ bad input


def _base_dict() -> dict[str, Any]:
    return {
        "objects": [
            {
                "id": "1",
                "name": "Box",
                "color": "#D33115",
                "shape": "bounding_box",
                "featureNodeHash": "aaa",
                "attributes": [
                    {
                        "id": "1.1",
                        "name": "Col",
                        "type": "radio",
                        "featureNodeHash": "at1",
                        "required": False,
                        "options": [
                            {
                                "id": "1.1.1",
                                "label": "Red",
                                "value": "red",
                                "featureNodeHash": "op1",
                                "options": [
                                    {
                                        "id": "1.1.1.1",
                                        "name": "Shade",
                                        "type": "text",
                                        "featureNodeHash": "at2",
                                        "required": False,
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "classifications": [
            {
                "id": "1",
                "featureNodeHash": "cc1",
                "attributes": [
                    {
                        "id": "1.1",
                        "name": "Q",
                        "type": "checklist",
                        "featureNodeHash": "at3",
                        "required": True,
                        "options": [
                            {"id": "1.1.1", "label": "A", "value": "a", "featureNodeHash": "op2", "options": [1]}
                        ],
                    }
                ],
            }
        ],
    }


_OBJ = ("objects", 0)
_ATT = (*_OBJ, "attributes", 0)
_OPT = (*_ATT, "options", 0)
_NATT = (*_OPT, "options", 0)
_CLS = ("classifications", 0)
_CATT = (*_CLS, "attributes", 0)
_COPT = (*_CATT, "options", 0)
_DEL = object()

BAD_CASES: list[tuple[str, tuple, Any]] = [
    ("top objects missing", (), ("objects", _DEL)),
    ("top classifications missing", (), ("classifications", _DEL)),
    ("top objects None", (), ("objects", None)),
    ("top objects dict", (), ("objects", {"a": 1})),
    ("top objects str", (), ("objects", "ab")),
    ("top skeleton None", (), ("skeleton_templates", None)),
    ("top skeleton int", (), ("skeleton_templates", 5)),
    ("top skeleton no template", (), ("skeleton_templates", [{}])),
    ("top skeleton bad template", (), ("skeleton_templates", [{"template": {"name": "x"}}])),
    ("top skeleton template None", (), ("skeleton_templates", [{"template": None}])),
    ("obj item int", (), ("objects", [1])),
    ("obj item list", (), ("objects", [[1]])),
    ("obj id missing", _OBJ, ("id", _DEL)),
    ("obj id abc", _OBJ, ("id", "abc")),
    ("obj id 1.2", _OBJ, ("id", "1.2")),
    ("obj id None", _OBJ, ("id", None)),
    ("obj id list", _OBJ, ("id", [1])),
    ("obj id inf", _OBJ, ("id", float("inf"))),
    ("obj id nan", _OBJ, ("id", float("nan"))),
    ("obj id float", _OBJ, ("id", 3.9)),
    ("obj id int", _OBJ, ("id", 3)),
    ("obj id padded", _OBJ, ("id", " 3 ")),
    ("obj name missing", _OBJ, ("name", _DEL)),
    ("obj color missing", _OBJ, ("color", _DEL)),
    ("obj shape missing", _OBJ, ("shape", _DEL)),
    ("obj shape bad", _OBJ, ("shape", "square")),
    ("obj shape upper", _OBJ, ("shape", "POLYGON")),
    ("obj shape None", _OBJ, ("shape", None)),
    ("obj shape list", _OBJ, ("shape", ["point"])),
    ("obj hash missing", _OBJ, ("featureNodeHash", _DEL)),
    ("obj required str", _OBJ, ("required", "no")),
    ("obj archived 0", _OBJ, ("archived", 0)),
    ("obj attributes None", _OBJ, ("attributes", None)),
    ("obj attributes dict", _OBJ, ("attributes", {})),
    ("obj attributes str", _OBJ, ("attributes", "x")),
    ("obj attributes int", _OBJ, ("attributes", 3)),
    ("obj attributes [int]", _OBJ, ("attributes", [3])),
    ("att id missing", _ATT, ("id", _DEL)),
    ("att id int", _ATT, ("id", 3)),
    ("att id None", _ATT, ("id", None)),
    ("att id bytes", _ATT, ("id", b"1.1")),
    ("att id bad part", _ATT, ("id", "1.x")),
    ("att id trailing dot", _ATT, ("id", "1.")),
    ("att id empty", _ATT, ("id", "")),
    ("att name missing", _ATT, ("name", _DEL)),
    ("att type missing", _ATT, ("type", _DEL)),
    ("att type bad", _ATT, ("type", "RADIO")),
    ("att type None", _ATT, ("type", None)),
    ("att type list", _ATT, ("type", ["radio"])),
    ("att type text", _ATT, ("type", "text")),
    ("att type numeric", _ATT, ("type", "numeric")),
    ("att type checklist", _ATT, ("type", "checklist")),
    ("att hash missing", _ATT, ("featureNodeHash", _DEL)),
    ("att required missing", _ATT, ("required", _DEL)),
    ("att required str", _ATT, ("required", "yes")),
    ("att dynamic str", _ATT, ("dynamic", "yes")),
    ("att archived 1", _ATT, ("archived", 1)),
    ("att options None", _ATT, ("options", None)),
    ("att options str", _ATT, ("options", "ab")),
    ("att options [str]", _ATT, ("options", ["ab"])),
    ("att options [int]", _ATT, ("options", [1])),
    ("att options [{}]", _ATT, ("options", [{}])),
    ("att options []", _ATT, ("options", [])),
    ("opt id missing", _OPT, ("id", _DEL)),
    ("opt id bad", _OPT, ("id", "1.1.z")),
    ("opt label missing", _OPT, ("label", _DEL)),
    ("opt value missing", _OPT, ("value", _DEL)),
    ("opt hash missing", _OPT, ("featureNodeHash", _DEL)),
    ("opt archived str", _OPT, ("archived", "s")),
    ("opt nested None", _OPT, ("options", None)),
    ("opt nested int", _OPT, ("options", 4)),
    ("opt nested [int]", _OPT, ("options", [4])),
    ("opt nested []", _OPT, ("options", [])),
    ("natt type bad", _NATT, ("type", "bogus")),
    ("natt required missing", _NATT, ("required", _DEL)),
    ("natt options junk (text)", _NATT, ("options", 7)),
    ("cls id missing", _CLS, ("id", _DEL)),
    ("cls id abc", _CLS, ("id", "abc")),
    ("cls hash missing", _CLS, ("featureNodeHash", _DEL)),
    ("cls attributes missing", _CLS, ("attributes", _DEL)),
    ("cls attributes []", _CLS, ("attributes", [])),
    ("cls attributes None", _CLS, ("attributes", None)),
    ("cls attributes str", _CLS, ("attributes", "x")),
    ("cls level global", _CLS, ("level", "global")),
    ("cls level GLOBAL", _CLS, ("level", "GLOBAL")),
    ("cls level dict", _CLS, ("level", {})),
    ("cls level int", _CLS, ("level", 5)),
    ("catt options None", _CATT, ("options", None)),
    ("copt value missing", _COPT, ("value", _DEL)),
    ("copt options None", _COPT, ("options", None)),
    ("copt options junk", _COPT, ("options", "junk")),
]


def _apply(d: dict[str, Any], path: tuple, change: tuple[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(d)
    target: Any = d
    for step in path:
        target = target[step]
    key, value = change
    if value is _DEL:
        target.pop(key, None)
    else:
        target[key] = value
    return d


@pytest.mark.parametrize(("label", "path", "change"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input(label: str, path: tuple, change: tuple) -> None:
    d = _apply(_base_dict(), path, change)
    assert_same(lambda: roundtrip(REF, d), lambda: roundtrip(LR, d))


def test_bad_input_messages_name_the_place() -> None:
    d = _apply(_base_dict(), _NATT, ("featureNodeHash", _DEL))
    with pytest.raises(KeyError) as info:
        LR.OntologyStructure.from_dict(d)
    assert "objects[0].attributes[0].options[0].options[0]" in str(info.value)
    assert "featureNodeHash" in str(info.value)
    d = _apply(_base_dict(), _OBJ, ("shape", "square"))
    with pytest.raises(TypeError, match=r"objects\[0\]\.shape"):
        LR.OntologyStructure.from_dict(d)


@pytest.mark.parametrize("cls_name", ["Object", "Classification"])
def test_single_element_from_dict(cls_name: str) -> None:
    base = _base_dict()
    d = base["objects"][0] if cls_name == "Object" else base["classifications"][0]
    assert_same(
        lambda: getattr(REF, cls_name).from_dict(copy.deepcopy(d)).to_dict(),
        lambda: getattr(LR, cls_name).from_dict(copy.deepcopy(d)).to_dict(),
    )
    for key in list(d):
        broken = {k: v for k, v in d.items() if k != key}
        assert_same(
            lambda b=broken: getattr(REF, cls_name).from_dict(b).to_dict(),
            lambda b=broken: getattr(LR, cls_name).from_dict(b).to_dict(),
        )


# ------------------------------------------------------------------------------------------------ random ontologies


class _Gen:
    """Seeded generator of valid ontology dicts (deep radio nesting, checklists, text, numeric, skeletons)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.n = 0

    def h(self) -> str:
        self.n += 1
        return f"h{self.n}"

    def maybe(self, d: dict[str, Any], key: str, values: list[Any]) -> None:
        if self.r.random() < 0.5:
            d[key] = self.r.choice(values)

    def name(self) -> str:
        return self.r.choice(["A", "Colour", "Dark Red", "x y\tz", "Épée", "Same", "Same", "q"])

    def attribute(self, uid: list[int], depth: int, allow_dynamic: bool) -> dict[str, Any]:
        kind = self.r.choice(["radio", "radio", "checklist", "text", "numeric"])
        a: dict[str, Any] = {
            "id": ".".join(map(str, uid)),
            "name": self.name(),
            "type": kind,
            "featureNodeHash": self.h(),
            "required": self.r.choice([True, False]),
        }
        if allow_dynamic:
            self.maybe(a, "dynamic", [True, False])
        elif self.r.random() < 0.1:
            a["dynamic"] = True
        self.maybe(a, "archived", [True, False])
        if kind in ("radio", "checklist") and self.r.random() < 0.9:
            a["options"] = [self.option([*uid, i + 1], depth, kind == "radio") for i in range(self.r.randint(0, 3))]
        if self.r.random() < 0.1:
            a["description"] = "ignored"
        return a

    def option(self, uid: list[int], depth: int, nestable: bool) -> dict[str, Any]:
        o: dict[str, Any] = {
            "id": ".".join(map(str, uid)),
            "label": self.name(),
            "value": self.name().lower(),
            "featureNodeHash": self.h(),
        }
        self.maybe(o, "archived", [True, False, 0, 1, "", "yes"])
        if depth > 0 and self.r.random() < 0.6:
            o["options"] = [
                self.attribute([*uid, i + 1], depth - 1, False) for i in range(self.r.randint(0 if nestable else 1, 2))
            ]
        return o

    def ontology(self) -> dict[str, Any]:
        shapes = [s.value for s in ref_common.Shape]
        objects = []
        for i in range(self.r.randint(0, 4)):
            o: dict[str, Any] = {
                "id": str(self.r.choice([i + 1, i + 10])),
                "name": self.name(),
                "color": self.r.choice(["#D33115", "#000000", "red"]),
                "shape": self.r.choice(shapes),
                "featureNodeHash": self.h(),
            }
            self.maybe(o, "required", [True, False, 1, 0, "yes", None])
            self.maybe(o, "archived", [True, False])
            if self.r.random() < 0.8:
                o["attributes"] = [self.attribute([i + 1, j + 1], 4, True) for j in range(self.r.randint(0, 3))]
            objects.append(o)
        classifications = []
        for i in range(self.r.randint(0, 3)):
            c: dict[str, Any] = {"id": str(i + 1), "featureNodeHash": self.h()}
            self.maybe(c, "level", ["global", "GLOBAL", None, "frame"])
            c["attributes"] = [self.attribute([i + 1, 1], 4, False)]
            classifications.append(c)
        d: dict[str, Any] = {"objects": objects, "classifications": classifications}
        if self.r.random() < 0.5:
            d["skeleton_templates"] = [
                {
                    "template": {
                        "name": self.r.choice(["a", "b", "c"]),
                        "width": self.r.choice([1, 2.5]),
                        "height": 3,
                        "skeleton": {
                            str(k): {"x": k, "y": k * 0.5, "name": f"p{k}", "featureHash": self.h()}
                            for k in range(self.r.randint(0, 3))
                        },
                        "skeletonEdges": {"0": {"1": {"color": "#fff"}}},
                        "feature_node_hash": self.r.choice([None, self.h()]),
                    }
                }
                for _ in range(self.r.randint(0, 3))
            ]
        return d


def _mutate(r: random.Random, d: dict[str, Any]) -> dict[str, Any]:
    """Delete or corrupt one random key somewhere in the dict."""
    d = copy.deepcopy(d)
    places: list[dict[str, Any]] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            places.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(d)
    target = r.choice(places)
    if not target:
        return d
    key = r.choice(sorted(target))
    if r.random() < 0.4:
        del target[key]
    else:
        target[key] = r.choice([None, 1, 2.5, "", "x", "1.x", [], {}, [1], True, "global", "radio", "point"])
    return d


@pytest.mark.parametrize("seed", range(300))
def test_random_ontologies(seed: int) -> None:
    gen = _Gen(seed)
    d = gen.ontology()
    ref_out = roundtrip(REF, d) if not _fails(REF, d) else None
    assert_same(lambda: roundtrip(REF, d), lambda: roundtrip(LR, d))
    if ref_out is not None:
        compare_lookups(REF.OntologyStructure.from_dict(d), LR.OntologyStructure.from_dict(d))
    r = random.Random(seed)
    for _ in range(5):
        bad = _mutate(r, d)
        assert_same(lambda b=bad: roundtrip(REF, b), lambda b=bad: roundtrip(LR, b))


def _fails(lib: SimpleNamespace, d: Any) -> bool:
    return _outcome(lambda: roundtrip(lib, d))[0] == "err"


# Programmatic random building through both libraries with identical explicit hashes.


def _random_build(lib: SimpleNamespace, seed: int) -> Any:
    r = random.Random(seed)
    counter = iter(range(10**6))

    def h() -> str:
        return f"H{next(counter)}"

    kinds = ["RadioAttribute", "RadioAttribute", "ChecklistAttribute", "TextAttribute", "NumericAttribute"]

    def fill(attr: Any, depth: int) -> None:
        if not hasattr(attr, "add_option"):
            return
        for _ in range(r.randint(0, 3)):
            label = r.choice(["Opt A", "b\tc", "Same", "  lead"])
            value = r.choice([None, None, "", "explicit"])
            local = r.choice([None, None, r.randint(1, 9)])
            opt = _outcome(lambda label=label, value=value, local=local: attr.add_option(label, value, local, h()))
            if opt[0] == "ok" and opt[1].is_nestable() and depth > 0:
                for _ in range(r.randint(0, 2)):
                    kind = getattr(lib, r.choice(kinds))
                    nested = _outcome(
                        lambda o=opt[1], kind=kind: o.add_nested_attribute(
                            kind, "nested", r.choice([None, 2]), h(), r.random() < 0.5
                        )
                    )
                    if nested[0] == "ok":
                        fill(nested[1], depth - 1)

    s = lib.OntologyStructure()
    shapes = list(lib.Shape)
    for _ in range(r.randint(0, 5)):
        uid = r.choice([None, None, r.randint(-2, 6)])
        color = r.choice([None, None, "#000000", "#AB149E"])
        o = _outcome(lambda uid=uid, color=color: s.add_object("obj", r.choice(shapes), uid, color, h()))
        if o[0] != "ok":
            continue
        for _ in range(r.randint(0, 3)):
            kind = getattr(lib, r.choice(kinds))
            a = _outcome(
                lambda o=o, kind=kind: o[1].add_attribute(
                    kind, "attr", r.choice([None, None, 1, 2]), h(), r.random() < 0.5, r.random() < 0.5
                )
            )
            if a[0] == "ok":
                fill(a[1], 4)
    for _ in range(r.randint(0, 3)):
        level = r.choice([None, lib.Level.GLOBAL])
        c = _outcome(lambda level=level: s.add_classification(r.choice([None, None, 1, 3]), h(), level))
        if c[0] != "ok":
            continue
        if r.random() < 0.9:
            kind = getattr(lib, r.choice(kinds))
            a = _outcome(lambda c=c, kind=kind: c[1].add_attribute(kind, "root", None, h(), r.random() < 0.5))
            if a[0] == "ok":
                fill(a[1], 4)
    if r.random() < 0.5:
        t = lib.SkeletonTemplate(
            name=r.choice(["a", "b"]),
            width=1,
            height=1,
            skeleton={"0": lib.SkeletonTemplateCoordinate(x=1, y=1, name="p")},
            skeletonEdges={},
        )
        _outcome(lambda: s.add_skeleton_object("skel", t, None, h()))
    return s


@pytest.mark.parametrize("seed", range(150))
def test_random_building(seed: int) -> None:
    ref = _random_build(REF, seed)
    mine = _random_build(LR, seed)
    assert_same(ref.to_dict, mine.to_dict)
    if not any(not c.attributes for c in ref.classifications):
        compare_lookups(ref, mine)


# Hypothesis: arbitrary JSON-ish values in arbitrary places of a valid ontology.

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), picks=st.lists(st.tuples(st.integers(0, 10**6), _json_values), max_size=3))
def test_hypothesis_corruptions(seed: int, picks: list[tuple[int, Any]]) -> None:
    d = _Gen(seed).ontology()
    places: list[tuple[dict, str]] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                places.append((x, k))
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(d)
    for index, value in picks:
        if places:
            target, key = places[index % len(places)]
            target[key] = value
    assert_same(lambda: roundtrip(REF, d), lambda: roundtrip(LR, d))
