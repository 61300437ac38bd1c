"""Interpolation modes of the keyframes of an event-based (continuous scene) label row.

The formulas live in the Rust core (`src/events.rs`): ``linear`` moves points and cuboid positions and sizes in
a straight line over time, and turns cuboid orientations along the shorter arc (through quaternions), the way
the Encord editor does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from labelrow.objects.common import Shape

InterpolationMode = Literal["hold", "linear"]
"""``"hold"``: the geometry stands until the next event (what an unset mode means). ``"linear"``: it moves in a
straight line, over time, into the next upsert's."""

INTERPOLATED_CONFIDENCE = 0.99
"""The confidence of a derived (interpolated) view."""

INTERPOLATION_SHAPES: Mapping[str, frozenset[Shape]] = {"linear": frozenset({Shape.POINT, Shape.CUBOID})}
"""The shapes each mode other than ``hold`` supports (``hold`` supports every shape)."""

INTERPOLATION_MODES: frozenset[str] = frozenset({"hold", *INTERPOLATION_SHAPES})


def check_interpolation_supported(mode: object, shape: object) -> None:
    """Raises ``ValueError`` unless ``mode`` can be read on ``shape`` (a :class:`Shape` or its value)."""
    if mode == "hold":
        return
    if mode not in INTERPOLATION_SHAPES:
        raise ValueError(f"Unsupported interpolation mode {mode!r}; supported modes are {sorted(INTERPOLATION_MODES)}.")
    shapes = INTERPOLATION_SHAPES[mode]  # type: ignore[index]
    if shape not in shapes and shape not in {s.value for s in shapes}:
        raise ValueError(
            f"Interpolation mode {mode!r} is not supported for shape `{getattr(shape, 'value', shape)}`; it supports "
            f"{sorted(s.value for s in shapes)}."
        )


__all__ = [
    "INTERPOLATED_CONFIDENCE",
    "INTERPOLATION_MODES",
    "INTERPOLATION_SHAPES",
    "InterpolationMode",
    "check_interpolation_supported",
]
