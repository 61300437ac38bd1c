"""Spaces whose labels are ranges (audio, time series, text, HTML). labelrow does not hold their labels yet:
they are listed and found like the others, hold nothing, and refuse placements."""

from __future__ import annotations

from labelrow.objects.spaces.base_space import UnsupportedSpace


class AudioSpace(UnsupportedSpace):
    """An audio file of a data group."""


class TimeSeriesSpace(UnsupportedSpace):
    """A time series of a data group."""


class TextSpace(UnsupportedSpace):
    """A text file of a data group."""


class HTMLSpace(UnsupportedSpace):
    """An HTML file of a data group."""
