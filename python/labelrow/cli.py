"""The `labelrow` command line: `labelrow inspect LABELS.json --ontology ONTOLOGY.json`."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from labelrow.exceptions import EncordException
from labelrow.objects.ontology_labels_impl import LabelRowV2
from labelrow.objects.ontology_structure import OntologyStructure
from labelrow.orm.label_row import LabelRowMetadata


def metadata_from_labels(labels: dict[str, Any]) -> LabelRowMetadata:
    """Row metadata inferred from a label dict alone (frame count from fps x duration, or the image count)."""
    units = list(labels.get("data_units", {}).values())
    first = units[0] if units else {}
    data_type = str(labels.get("data_type", ""))
    fps, duration = first.get("data_fps"), first.get("data_duration")
    if data_type == "img_group":
        frames = len(units)
    elif data_type == "video" and fps is not None and duration is not None:
        frames = math.ceil(fps * duration)
    else:
        frames = 1
    return LabelRowMetadata.from_dict(
        {
            "label_hash": labels.get("label_hash"),
            "branch_name": labels.get("branch_name", "main"),
            "data_hash": labels.get("data_hash", ""),
            "dataset_hash": labels.get("dataset_hash", ""),
            "dataset_title": labels.get("dataset_title", ""),
            "data_title": labels.get("data_title", ""),
            "data_type": data_type.upper(),
            "data_link": first.get("data_link"),
            "label_status": labels.get("label_status", "NOT_LABELLED"),
            "frames_per_second": fps,
            "number_of_frames": frames,
            "duration": duration,
            "width": first.get("width"),
            "height": first.get("height"),
            "spaces": {},
        }
    )


def _load_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except OSError as exc:
        raise SystemExit(f"labelrow: cannot read {what} {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"labelrow: {what} {path} is not valid JSON: {exc}") from None


def inspect_row(labels: dict[str, Any], ontology: dict[str, Any]) -> tuple[list[str], bool]:
    """The report lines of a row and whether it is valid."""
    structure = OntologyStructure.from_dict(ontology)
    row = LabelRowV2(metadata_from_labels(labels), None, structure)
    row.from_labels_dict(labels)
    objects = row.get_object_instances()
    per_class: Counter[tuple[str, str]] = Counter()
    annotations: Counter[tuple[str, str]] = Counter()
    for obj in objects:
        key = (str(obj.ontology_item.shape.value), obj.object_name)
        per_class[key] += 1
        annotations[key] += len(obj.get_annotation_frames())
    classifications = Counter(c.classification_name for c in row.get_classification_instances())
    lines = [
        f"data type:        {row.data_type.value}",
        f"frames:           {row.number_of_frames}",
        f"objects:          {len(objects)} ({sum(annotations.values())} object-frame annotations)",
    ]
    for shape, name in sorted(per_class):
        lines.append(
            f"  {shape:<24} {name:<24} {per_class[shape, name]:>6} objects {annotations[shape, name]:>8} annotations"
        )
    lines.append(f"classifications:  {sum(classifications.values())}")
    for name, count in sorted(classifications.items()):
        lines.append(f"  {name:<49} {count:>6} instances")
    problems = []
    for obj in objects:
        try:
            obj.is_valid()
        except EncordException as exc:
            problems.append(f"object {obj.object_hash}: {exc.message}")
    try:
        row.to_encord_dict()
    except EncordException as exc:
        problems.append(exc.message)
    lines.append("validation:       " + ("valid" if not problems else f"{len(problems)} problem(s)"))
    lines.extend(f"  - {p}" for p in problems)
    return lines, not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labelrow", description="Inspect Encord label rows (labelrow).")
    sub = parser.add_subparsers(dest="command", required=True)
    insp = sub.add_parser("inspect", help="load a label row and summarise it")
    insp.add_argument("labels", help="label row JSON (the to_encord_dict() format)")
    insp.add_argument("--ontology", required=True, help="ontology structure JSON")
    args = parser.parse_args(argv)
    labels = _load_json(args.labels, "label row")
    ontology = _load_json(args.ontology, "ontology")
    try:
        lines, valid = inspect_row(labels, ontology)
    except (EncordException, KeyError, TypeError, ValueError) as exc:
        message = exc.message if isinstance(exc, EncordException) else str(exc)
        print(f"labelrow: {args.labels}: {type(exc).__name__}: {message}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0 if valid else 1


if __name__ == "__main__":
    raise SystemExit(main())
