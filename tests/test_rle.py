"""Bitmask RLE (`labelrow._core.rle_encode` / `rle_decode`) against the reference SDK's encoding."""

from __future__ import annotations

import numpy as np
import pytest
from encord.objects.bitmask import BitmaskCoordinates
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labelrow._core import rle_decode, rle_encode

SIZES = [(1, 1), (1, 7), (7, 1), (3, 4), (8, 8), (17, 33), (64, 64), (100, 257), (480, 640)]
DENSITIES = [0.0, 0.001, 0.05, 0.5, 0.95, 0.999, 1.0]


def ref_encode(mask: np.ndarray) -> str:
    return BitmaskCoordinates(np.ascontiguousarray(mask)).to_dict()["rleString"]


def ref_decode(rle: str, height: int, width: int) -> np.ndarray:
    d = {"top": 0, "left": 0, "height": height, "width": width, "rleString": rle}
    return BitmaskCoordinates(d).to_numpy_array()


def check(mask: np.ndarray) -> None:
    h, w = mask.shape
    ours = rle_encode(mask)
    assert ours == ref_encode(mask)
    decoded = rle_decode(ours, h, w)
    assert decoded.dtype == np.bool_
    assert decoded.shape == (h, w)
    np.testing.assert_array_equal(decoded, mask)
    np.testing.assert_array_equal(ref_decode(ours, h, w), mask)


def clumpy_mask(rng: np.random.Generator, shape: tuple[int, int], mean_run: int) -> np.ndarray:
    """Long alternating runs, like real segmentation masks (in row-major order)."""
    n = shape[0] * shape[1]
    runs = rng.integers(1, 2 * mean_run, size=n // max(mean_run, 1) + 2)
    flips = np.zeros(n + 1, dtype=np.int8)
    ends = np.cumsum(runs)
    flips[ends[ends < n]] = 1
    return (np.cumsum(flips[:n]) % 2 == 1).reshape(shape)


@pytest.mark.parametrize("shape", SIZES)
@pytest.mark.parametrize("density", DENSITIES)
def test_random_masks_match_reference(shape: tuple[int, int], density: float) -> None:
    rng = np.random.default_rng(hash((shape, density)) & 0xFFFF_FFFF)
    check(rng.random(shape) < density)


@pytest.mark.parametrize("shape", SIZES)
@pytest.mark.parametrize("mean_run", [3, 40, 1000])
def test_clumpy_masks_match_reference(shape: tuple[int, int], mean_run: int) -> None:
    rng = np.random.default_rng(mean_run * 1000 + shape[0])
    check(clumpy_mask(rng, shape, mean_run))


@pytest.mark.parametrize("shape", SIZES)
def test_all_zero_and_all_one(shape: tuple[int, int]) -> None:
    check(np.zeros(shape, dtype=bool))
    check(np.ones(shape, dtype=bool))


def test_one_pixel() -> None:
    assert rle_encode(np.zeros((1, 1), dtype=bool)) == "1"
    assert rle_encode(np.ones((1, 1), dtype=bool)) == "01"
    check(np.zeros((1, 1), dtype=bool))
    check(np.ones((1, 1), dtype=bool))


@pytest.mark.parametrize("shape", [(0, 0), (0, 5), (5, 0)])
def test_zero_size(shape: tuple[int, int]) -> None:
    mask = np.zeros(shape, dtype=bool)
    assert rle_encode(mask) == "" == ref_encode(mask)
    assert rle_decode("", *shape).shape == shape


def test_spec_examples() -> None:
    assert rle_encode(np.array([[0, 0, 1], [1, 1, 0]], dtype=bool)) == "231"
    assert rle_encode(np.array([[1, 1, 0]], dtype=bool)) == "021"
    assert rle_encode(np.zeros((2, 5), dtype=bool)) == ":"
    mask = np.zeros(3031, dtype=bool)
    mask[1000:3000] = True
    assert rle_encode(mask.reshape(1, -1)) == "Xo0`n1o0"
    np.testing.assert_array_equal(rle_decode("Xo0`n1o0", 1, 3031)[0], mask)


def test_row_major_order() -> None:
    # A single set pixel at (row 1, col 0) of a 2x3 mask is flat index 3, not 1 (column-major).
    mask = np.zeros((2, 3), dtype=bool)
    mask[1, 0] = True
    assert rle_encode(mask) == "312"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(np.asfortranarray, id="fortran"),
        pytest.param(lambda m: m.T.copy().T, id="transposed-view"),
        pytest.param(lambda m: np.repeat(m, 2, axis=1)[:, ::2], id="strided-columns"),
        pytest.param(lambda m: np.repeat(m, 3, axis=0)[::3], id="strided-rows"),
        pytest.param(lambda m: m[::-1, ::-1][::-1, ::-1], id="negative-strides"),
    ],
)
def test_non_contiguous_inputs(make) -> None:
    rng = np.random.default_rng(7)
    for shape in [(1, 1), (5, 7), (33, 17), (128, 96)]:
        mask = rng.random(shape) < 0.3
        view = make(mask)
        np.testing.assert_array_equal(view, mask)
        assert rle_encode(view) == ref_encode(mask)


def test_readonly_input() -> None:
    mask = np.random.default_rng(3).random((20, 30)) < 0.5
    mask.flags.writeable = False
    assert rle_encode(mask) == ref_encode(mask)


def test_decoded_array_is_owned_and_writable() -> None:
    rle = rle_encode(np.eye(4, dtype=bool))
    out = rle_decode(rle, 4, 4)
    assert out.flags.c_contiguous
    assert out.flags.writeable
    out[0, 1] = True  # must not fail or affect anything else
    np.testing.assert_array_equal(rle_decode(rle, 4, 4), np.eye(4, dtype=bool))


def test_full_hd_random_mask() -> None:
    rng = np.random.default_rng(1920)
    check(rng.random((1080, 1920)) < 0.5)
    check(clumpy_mask(rng, (1080, 1920), 200))


def test_reference_strings_decode() -> None:
    rng = np.random.default_rng(11)
    for shape in SIZES:
        mask = rng.random(shape) < 0.2
        np.testing.assert_array_equal(rle_decode(ref_encode(mask), *shape), mask)


def test_wrong_dtype_or_ndim_is_rejected() -> None:
    with pytest.raises(TypeError):
        rle_encode(np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(TypeError):
        rle_encode(np.zeros(4, dtype=bool))


@pytest.mark.parametrize(
    ("rle", "height", "width", "fragment"),
    [
        ("2/1", 2, 3, "invalid character '/' at index 1"),
        ("p", 1, 1, "invalid character 'p' at index 0"),
        ("1 ", 1, 1, "invalid character ' ' at index 1"),
        ("12é", 1, 3, "invalid character 'é' at index 2"),
        ("2P", 1, 2, "ends inside run 1"),
        ("o", 1, 1, "ends inside run 0"),
        ("@", 1, 1, "negative length -16"),
        ("121K", 1, 4, "run 3"),
        ("231", 1, 5, "exceed the mask size 5 at run 2"),
        ("1", 0, 0, "exceed the mask size 0"),
        ("231", 1, 7, "cover 6 pixels but the mask has 7"),
        ("", 1, 1, "cover 0 pixels"),
        ("o" * 30 + "0", 1, 1, "overflows"),
        ("o" * 13 + "0", 1, 1, "overflows"),  # 2^65 - 1 > u64::MAX
    ],
)
def test_malformed_strings_raise_value_error(rle: str, height: int, width: int, fragment: str) -> None:
    with pytest.raises(ValueError, match="invalid bitmask RLE string") as exc:
        rle_decode(rle, height, width)
    assert fragment in str(exc.value)


def test_size_overflow_raises_value_error() -> None:
    with pytest.raises(ValueError, match="too large"):
        rle_decode("", 2**40, 2**40)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.bool_, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=40)))
def test_hypothesis_matches_reference(mask: np.ndarray) -> None:
    check(mask)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123:?@O`oP/p é"), max_size=20), st.integers(0, 40))
def test_hypothesis_decode_never_crashes(rle: str, length: int) -> None:
    try:
        out = rle_decode(rle, 1, length)
    except ValueError:
        return
    assert out.shape == (1, length)
    assert rle_encode(out) == ref_encode(out)
