"""The attribute tree of an ontology object or classification, as the answers API sees it: static slots,
top-level dynamic attributes, the radio ancestors of nested attributes, and answer inference."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from labelrow.exceptions import LabelRowError, LabelRowRuntimeError, LabelRowValueError
from labelrow.objects.attributes import (
    Attribute,
    ChecklistAttribute,
    NumericAttribute,
    RadioAttribute,
    TextAttribute,
)
from labelrow.objects.options import FlatOption, NestableOption, Option


@dataclass
class AttributeTree:
    attributes: list[Attribute] = field(default_factory=list)  # pre-order, every attribute
    static_slots: list[Attribute] = field(default_factory=list)
    top_dynamic: list[Attribute] = field(default_factory=list)
    # attribute hash → the (radio attribute, option) pairs that must be selected for it to be reachable
    ancestors: dict[str, list[tuple[Attribute, Option]]] = field(default_factory=dict)
    option_owner: dict[str, Attribute] = field(default_factory=dict)
    options_by_hash: dict[str, Option] = field(default_factory=dict)

    @property
    def by_hash(self) -> dict[str, Attribute]:
        return {a.feature_node_hash: a for a in self.attributes}

    def is_valid_child(self, attribute: Attribute) -> bool:
        return any(a is attribute or a == attribute for a in self.static_slots + self.top_dynamic)


def build_tree(roots: Iterable[Attribute]) -> AttributeTree:
    tree = AttributeTree()

    def walk(attr: Attribute, chain: list[tuple[Attribute, Option]], top: bool) -> None:
        tree.attributes.append(attr)
        tree.ancestors.setdefault(attr.feature_node_hash, chain)
        if not attr.dynamic:
            tree.static_slots.append(attr)
        elif top:
            tree.top_dynamic.append(attr)
        for opt in getattr(attr, "options", ()) or ():
            tree.option_owner.setdefault(opt.feature_node_hash, attr)
            tree.options_by_hash.setdefault(opt.feature_node_hash, opt)
            for nested in opt.attributes if isinstance(opt, NestableOption) else ():
                walk(nested, [*chain, (attr, opt)], False)

    for root in roots:
        walk(root, [], True)
    return tree


def tree_of(element: Any) -> AttributeTree:
    """The (cached) attribute tree of an ontology Object or Classification."""
    cached = element.__dict__.get("_lr_tree")
    key = tuple(id(a) for a in element.attributes), len(element.attributes)
    if cached is not None and cached[0] == key:
        return cached[1]
    tree = build_tree(element.attributes)
    element.__dict__["_lr_tree"] = (key, tree)
    return tree


def infer_attribute(tree: AttributeTree, answer: Any) -> Attribute:
    """The attribute an answer belongs to, when the caller did not name one."""
    if isinstance(answer, Option):
        owner = tree.option_owner.get(answer.feature_node_hash)
        if owner is None:
            raise LabelRowError("Cannot find any attribute with the given answer option.")
        return owner
    if isinstance(answer, str):
        return _single(tree, TextAttribute, "text")
    if isinstance(answer, bool | int | float):
        return _single(tree, NumericAttribute, "numeric")
    if isinstance(answer, Iterable):
        answers = list(answer)
        if not answers:
            raise LabelRowError(
                "Cannot infer the attribute if a list of answers is empty. Please provide the attribute."
            )
        owners = {id(infer_attribute(tree, a)) for a in answers}
        if len(owners) != 1:
            raise LabelRowError("All the answers in the list must belong to the same attribute.")
        return infer_attribute(tree, answers[0])
    raise LabelRowError(f"Cannot infer the attribute of an answer of type {type(answer).__name__}.")


def _single(tree: AttributeTree, kind: type, name: str) -> Attribute:
    found = [a for a in tree.attributes if isinstance(a, kind)]
    if len(found) != 1:
        raise LabelRowError(
            f"Multiple {name} attributes are present. Please provide the attribute you want to answer."
            if found
            else f"No {name} attribute is present in the ontology element."
        )
    return found[0]


def encode_answer(attribute: Attribute, answer: Any) -> Any:
    """Checks an answer against its attribute and encodes it for the core (option hashes, str, number)."""
    if isinstance(attribute, TextAttribute):
        if not isinstance(answer, str):
            raise LabelRowValueError("TextAnswer can only be set to a string.")
        return answer
    if isinstance(attribute, NumericAttribute):
        if not isinstance(answer, bool | int | float):
            raise LabelRowValueError("NumericAnswer can only be set to a number.")
        return answer
    if isinstance(attribute, RadioAttribute):
        if not isinstance(answer, NestableOption) or not any(o is answer or o == answer for o in attribute.options):
            raise LabelRowValueError("RadioAnswer can only be set to a NestableOption of its attribute.")
        return answer.feature_node_hash
    if isinstance(attribute, ChecklistAttribute):
        if not isinstance(answer, Iterable):
            raise LabelRowValueError("ChecklistAnswer can only be set to an iterable of FlatOptions.")
        hashes = []
        for option in answer:
            if not isinstance(option, FlatOption):
                raise LabelRowRuntimeError("ChecklistAnswer can only be set to an iterable of FlatOptions.")
            if not any(o is option or o == option for o in attribute.options):
                raise LabelRowRuntimeError(f"The option `{option.label}` is not an option of `{attribute.name}`.")
            hashes.append(option.feature_node_hash)
        return hashes
    raise LabelRowValueError(f"Unknown attribute kind {type(attribute).__name__}.")


def decode_answer(tree: AttributeTree, attribute: Attribute, value: Any) -> Any:
    """The public form of a stored answer: options as ontology objects, in ontology order for checklists."""
    if isinstance(attribute, RadioAttribute):
        return tree.options_by_hash.get(value)
    if isinstance(attribute, ChecklistAttribute):
        checked = set(value)
        return [o for o in attribute.options if o.feature_node_hash in checked]
    return value


def canonical_checklist(attribute: Attribute, hashes: list[str]) -> bool:
    """Whether option hashes are listed as a stored checklist answer is: in ontology order, once each. Stored
    answers are kept that way, and the reference compares a filter answer with them as a list."""
    order = [o.feature_node_hash for o in attribute.options]
    return hashes == [h for h in order if h in set(hashes)] and len(set(hashes)) == len(hashes)


def answers_equal(attribute: Attribute, stored: Any, wanted: Any) -> bool:
    """Equality of a stored answer with a filter answer, as the reference's filters compare them."""
    if isinstance(attribute, ChecklistAttribute):
        return canonical_checklist(attribute, list(wanted)) and set(stored) == set(wanted)
    return stored == wanted


def reachable(tree: AttributeTree, attribute: Attribute, selected: dict[str, Any]) -> bool:
    """Whether every radio ancestor of `attribute` has the option leading to it selected."""
    for parent, option in tree.ancestors.get(attribute.feature_node_hash, []):
        if selected.get(parent.feature_node_hash) != option.feature_node_hash:
            return False
    return True
