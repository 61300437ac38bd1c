"""Inclusive frame ranges and conversions between the accepted *Frames* argument forms.

Mirrors ``encord.objects.frames``. A *Frames* argument is an ``int``, a ``list[int]``, a ``Range`` or a
``list[Range]``; anything else (sets, tuples, mixed lists, floats, numpy ints) raises
``LabelRowRuntimeError`` (a ``RuntimeError``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from operator import index
from typing import TypeGuard, Union

from labelrow.exceptions import LabelRowRuntimeError


@dataclass(slots=True)
class Range:
    """Frames ``start`` to ``end``, both inclusive. A reversed range contains no frames."""

    start: int
    end: int

    def __repr__(self) -> str:
        return f"({self.start}:{self.end})"

    def overlaps(self, other: Range) -> bool:
        """Whether the two ranges share at least one frame (by their bounds)."""
        return self.start <= other.end and other.start <= self.end

    def merge(self, other: Range) -> None:
        """Grow this range in place to span both ranges (no overlap check)."""
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)

    def copy(self) -> Range:
        """An independent copy."""
        return Range(start=self.start, end=self.end)


Ranges = list[Range]
FramesList = list[int]
FramesSet = set[int]
Frames = Union[int, list[int], Range, list[Range], set[int]]  # noqa: UP007 - runtime alias


def _unexpected() -> LabelRowRuntimeError:
    return LabelRowRuntimeError("Unexpected type for frames.")


def frame_to_range(frame: int) -> Range:
    """The one-frame range ``(frame:frame)``."""
    return Range(frame, frame)


def range_to_frames(range_: Range) -> list[int]:
    """Every frame of the range in order (empty when reversed)."""
    return list(range(range_.start, range_.end + 1))


def ranges_to_frames(range_list: Ranges) -> list[int]:
    """Sorted, de-duplicated frames covered by any of the ranges."""
    frames: set[int] = set()
    for r in range_list:
        frames.update(range_to_frames(r))
    return sorted(frames)


def frames_to_ranges(frames: Collection[int]) -> Ranges:
    """Sort the frames and group consecutive runs into ranges (duplicates are not removed)."""
    result: Ranges = []
    for frame in sorted(frames):
        if result and frame == result[-1].end + 1:
            result[-1].end = frame
        else:
            result.append(Range(frame, frame))
    return result


def range_to_ranges(range_: Range) -> Ranges:
    """A one-element list holding a copy of the range."""
    return [range_.copy()]


def ranges_list_to_ranges(range_list: list[list[int]]) -> Ranges:
    """``[[s, e], ...]`` → ``[Range(s, e), ...]`` (order kept, nothing merged)."""
    return [Range(start, end) for start, end in range_list]


def ranges_to_list(ranges: Ranges) -> list[list[int]]:
    """``[Range(s, e), ...]`` → ``[[s, e], ...]``."""
    return [[r.start, r.end] for r in ranges]


def _normalised(range_: Range) -> Ranges:
    """The range with integer bounds as a list, or ``[]`` when it is reversed."""
    start, end = index(range_.start), index(range_.end)
    return [Range(start, end)] if start <= end else []


def _is_int_list(frames: list) -> TypeGuard[list[int]]:
    return all(isinstance(f, int) for f in frames)


def _is_range_list(frames: list) -> TypeGuard[list[Range]]:
    return all(isinstance(f, Range) for f in frames)


def frames_class_to_frames_list(frames_class: Frames) -> list[int]:
    """Expand a *Frames* argument into a sorted, de-duplicated frame list."""
    if isinstance(frames_class, int):
        return [frames_class]
    if isinstance(frames_class, Range):
        return range_to_frames(frames_class)
    if isinstance(frames_class, list):
        if _is_int_list(frames_class):
            return sorted(set(frames_class))
        if _is_range_list(frames_class):
            return ranges_to_frames(frames_class)
    raise _unexpected()


def frames_class_to_runs(frames_class: Frames) -> list[tuple[int, int]]:
    """The runs of ``frames_class_to_frames_list(frames_class)`` as ``(start, end)`` pairs, computed from the
    bounds of ranges instead of expanding them frame by frame (same result, same errors)."""
    spans: list[tuple[int, int]] | None = None
    if isinstance(frames_class, Range):
        spans = [(index(frames_class.start), index(frames_class.end))]
    elif isinstance(frames_class, list) and frames_class and _is_range_list(frames_class):
        spans = sorted((index(r.start), index(r.end)) for r in frames_class)
    if spans is None:
        return [(r.start, r.end) for r in frames_to_ranges(frames_class_to_frames_list(frames_class))]
    runs: list[tuple[int, int]] = []
    for start, end in spans:
        if start > end:
            continue
        if runs and start <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return runs


def frames_class_to_ranges(frames_class: Frames) -> Ranges:
    """Turn a *Frames* argument into ranges: frame lists are grouped into runs, each given range is
    normalised on its own (reversed ranges vanish; distinct ranges are not merged with each other)."""
    if isinstance(frames_class, int):
        return [frame_to_range(frames_class)]
    if isinstance(frames_class, Range):
        return _normalised(frames_class)
    if isinstance(frames_class, list):
        if _is_int_list(frames_class):
            return frames_to_ranges(sorted(set(frames_class)))
        if _is_range_list(frames_class):
            result: Ranges = []
            for r in frames_class:
                result.extend(_normalised(r))
            return result
    raise _unexpected()


__all__ = [
    "Frames",
    "FramesList",
    "FramesSet",
    "Range",
    "Ranges",
    "frame_to_range",
    "frames_class_to_frames_list",
    "frames_class_to_ranges",
    "frames_class_to_runs",
    "frames_to_ranges",
    "range_to_frames",
    "range_to_ranges",
    "ranges_list_to_ranges",
    "ranges_to_frames",
    "ranges_to_list",
]
