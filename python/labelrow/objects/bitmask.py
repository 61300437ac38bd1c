"""Bitmask coordinates stored as a run-length-encoded string (mirrors ``encord.objects.bitmask``).

RLE format: the mask is flattened row-major, run lengths alternate starting with a run of 0s, and runs are
written in the COCO compressed-string alphabet. Encoding/decoding uses ``labelrow._core`` when available and a
pure-Python fallback otherwise.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import ValidationError

from labelrow.exceptions import EncordException
from labelrow.orm.storage import BaseDTO

_core = importlib.import_module("labelrow._core")
_rust_rle_encode = getattr(_core, "rle_encode", None)
_rust_rle_decode = getattr(_core, "rle_decode", None)


@runtime_checkable
class ArrayProtocol(Protocol):
    """Anything exposing the NumPy array interface and ``tobytes()``."""

    @property
    def __array_interface__(self) -> dict[str, Any]: ...

    def tobytes(self) -> bytes: ...


# ----------------------------------------------------------------------------------------------------------------
# pure-Python RLE


def _runs_of(flat: np.ndarray) -> list[int]:
    """Alternating run lengths of a flat 0/1 array, starting with zeros."""
    n = int(flat.size)
    if n == 0:
        return []
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], change, [n]))
    runs = np.diff(bounds).tolist()
    if flat[0]:
        runs.insert(0, 0)
    return runs


def _runs_to_string(runs: list[int]) -> str:
    out: list[str] = []
    for i, run in enumerate(runs):
        x = run - runs[i - 2] if i > 2 else run
        while True:
            group = x & 0x1F
            x >>= 5
            more = x != -1 if group & 0x10 else x != 0
            out.append(chr(group + (0x20 if more else 0) + 48))
            if not more:
                break
    return "".join(out)


def _string_to_runs(rle: str) -> list[int]:
    runs: list[int] = []
    pos, size = 0, len(rle)
    while pos < size:
        x, shift, more = 0, 0, True
        while more:
            c = ord(rle[pos]) - 48
            x |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            pos += 1
            shift += 5
            if not more and c & 0x10:
                x |= -1 << shift
        if len(runs) > 2:
            x += runs[-2]
        runs.append(x)
    return runs


def _py_rle_encode(mask: np.ndarray) -> str:
    return _runs_to_string(_runs_of(np.ascontiguousarray(mask, dtype=np.uint8).ravel()))


def _py_rle_decode(rle: str, height: int, width: int) -> np.ndarray:
    """Decode; missing trailing pixels stay False, runs beyond the mask raise IndexError."""
    total = height * width
    runs = _string_to_runs(rle)
    if sum(runs) > total or any(r < 0 for r in runs):
        raise IndexError("bitmask RLE runs exceed the mask size")
    values = np.zeros(len(runs), dtype=np.bool_)
    values[1::2] = True
    flat = np.zeros(total, dtype=np.bool_)
    filled = np.repeat(values, runs)
    flat[: filled.size] = filled
    return flat.reshape(height, width)


def rle_encode(mask: np.ndarray) -> str:
    """RLE string of a 2-D boolean mask."""
    mask = np.ascontiguousarray(mask, dtype=np.bool_)
    if _rust_rle_encode is not None:
        return _rust_rle_encode(mask)
    return _py_rle_encode(mask)


def rle_decode(rle: str, height: int, width: int) -> np.ndarray:
    """2-D boolean mask of an RLE string."""
    if _rust_rle_decode is not None:
        try:
            return np.asarray(_rust_rle_decode(rle, height, width), dtype=np.bool_)
        except ValueError:
            pass  # malformed/short input: take the reference-compatible slow path below
    return _py_rle_decode(rle, height, width)


# ----------------------------------------------------------------------------------------------------------------


class BitmaskCoordinates:
    """A boolean mask the size of the media, kept RLE-encoded."""

    class EncodedBitmask(BaseDTO):
        """The serialised form: offsets, size and the RLE string."""

        top: int
        left: int
        height: int
        width: int
        rle_string: str

    def __init__(self, source: ArrayProtocol | BitmaskCoordinates.EncodedBitmask | dict[str, Any]) -> None:
        # The runtime-checkable protocol's isinstance is slow: the encoded and dict forms are tested first
        # (neither has an __array_interface__, so the outcome is the same in any order).
        if isinstance(source, BitmaskCoordinates.EncodedBitmask):
            self._encoded_bitmask = source
        elif isinstance(source, dict):
            try:
                self._encoded_bitmask = BitmaskCoordinates.EncodedBitmask.model_validate(source)
            except ValidationError as e:
                raise ValueError(f"Failed to create BitmaskCoordinates from an object of type {type(source)}") from e
        elif isinstance(source, ArrayProtocol):
            self._encoded_bitmask = BitmaskCoordinates._from_array(source)
        else:
            raise ValueError(f"Failed to create BitmaskCoordinates from an object of type {type(source)}")

    @staticmethod
    def from_dict(d: dict[str, Any]) -> BitmaskCoordinates:
        """From the encoded dict, either bare or under a ``bitmask`` key (bad fields → EncordException)."""
        inner = d.get("bitmask")
        encoded = BitmaskCoordinates.EncodedBitmask.from_dict(inner if isinstance(inner, dict) else d)
        return BitmaskCoordinates(encoded)

    @staticmethod
    def _from_array(source: ArrayProtocol) -> BitmaskCoordinates.EncodedBitmask:
        interface = source.__array_interface__
        shape = tuple(interface["shape"])
        if len(shape) != 2:
            raise EncordException("Bitmask should be a 2-dimensional array.")
        if interface["typestr"] != "|b1":
            raise EncordException("Bitmask should be an array of boolean values. For numpy array call .astype(bool).")
        if isinstance(source, np.ndarray):
            mask = np.ascontiguousarray(source)
        else:
            mask = np.frombuffer(source.tobytes(), dtype=np.bool_).reshape(shape)
        return BitmaskCoordinates.EncodedBitmask(
            top=0, left=0, height=shape[0], width=shape[1], rle_string=rle_encode(mask)
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"top", "left", "height", "width", "rleString"}``."""
        return self._encoded_bitmask.to_dict()

    def to_numpy_array(self) -> np.ndarray:
        """The decoded ``height x width`` boolean mask."""
        enc = self._encoded_bitmask
        return rle_decode(enc.rle_string, enc.height, enc.width)

    @property
    def __array_interface__(self) -> dict[str, Any]:
        enc = self._encoded_bitmask
        return {
            "version": 3,
            "data": self.to_numpy_array().tobytes(),
            "shape": (enc.height, enc.width),
            "typestr": "|b1",
        }


__all__ = ["ArrayProtocol", "BitmaskCoordinates", "rle_decode", "rle_encode"]
