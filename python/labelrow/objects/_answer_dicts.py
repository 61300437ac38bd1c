"""`set_answer_from_list`: answers in the label-dict format applied through the instance API, with the
parser's rules (label-row format §6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from labelrow.exceptions import LabelRowError, LabelRowKeyError, LabelRowValueError, OntologyError
from labelrow.objects._attribute_tree import tree_of
from labelrow.objects.attributes import ChecklistAttribute, NumericAttribute, RadioAttribute, TextAttribute


def _req(d: Any, key: str, where: str) -> Any:
    try:
        return d[key]
    except KeyError:
        raise LabelRowKeyError(f"{where}: missing required key '{key}'") from None


def _decode(attribute: Any, answers: Any, where: str, unknown: type[Exception]) -> Any:
    """The core encoding of an answer entry, or None when the reference leaves it unanswered."""
    if isinstance(attribute, RadioAttribute):
        if not isinstance(answers, list) or len(answers) != 1:
            return None
        h = _req(answers[0], "featureHash", where)
        if not any(o.feature_node_hash == h for o in attribute.options):
            raise unknown(f"{where}: option `{h}` is not an option of `{attribute.name}`")
        return h
    if isinstance(attribute, ChecklistAttribute):
        hashes = []
        for a in answers:
            h = _req(a, "featureHash", where)
            if not any(o.feature_node_hash == h for o in attribute.options):
                raise unknown(f"{where}: option `{h}` is not an option of `{attribute.name}`")
            hashes.append(h)
        return hashes
    if isinstance(attribute, TextAttribute):
        if not isinstance(answers, str):
            raise LabelRowValueError(f"{where}: a text answer must be a string")
        return answers
    if isinstance(attribute, NumericAttribute):
        if not isinstance(answers, bool | int | float):
            raise LabelRowError(f"{where}: a numeric answer must be a number")
        return answers
    raise LabelRowError(f"{where}: unknown attribute kind")


def apply_object_answers(instance: Any, answers_list: Sequence[dict[str, Any]]) -> None:
    tree = tree_of(instance.ontology_item)
    by_hash = tree.by_hash
    for i, entry in enumerate(answers_list):
        where = f"answers[{i}]"
        fh = _req(entry, "featureHash", where)
        attribute = by_hash.get(fh)
        if attribute is None or not tree.is_valid_child(attribute):
            raise LabelRowError(f"{where}: Attribute with id [{fh}] does not exist in the ontology")
        value = _decode(attribute, _req(entry, "answers", where), where, OntologyError)
        if value is None:
            continue
        if attribute.dynamic:
            pairs = [(int(s), int(e)) for s, e in _req(entry, "range", where)]
            instance._cell.set_dynamic(fh, value, pairs)
        elif isinstance(attribute, ChecklistAttribute) and (old := instance._cell.get_static(fh)) is not None:
            instance._cell.set_static(fh, list(dict.fromkeys([*old[0], *value])), True)
        else:
            instance._cell.set_static(fh, value, True)


def apply_classification_answers(instance: Any, answers_list: Sequence[dict[str, Any]]) -> None:
    tree = tree_of(instance.ontology_item)
    by_hash = tree.by_hash
    for i, entry in enumerate(answers_list):
        where = f"answers[{i}]"
        fh = _req(entry, "featureHash", where)
        attribute = by_hash.get(fh)
        if attribute is None:
            raise LabelRowError(f"{where}: One of the attributes does not exist in the ontology")
        value = _decode(attribute, _req(entry, "answers", where), where, LabelRowValueError)
        if value is not None:
            instance._cell.set_static(fh, value)
