"""Defaults and fixed values used when building label rows (mirrors ``encord.objects.constants``)."""

from __future__ import annotations

DEFAULT_CONFIDENCE: float = 1.0
DEFAULT_MANUAL_ANNOTATION: bool = True

# strftime/strptime pattern of label-row datetimes; %Z prints "UTC" for the UTC-aware datetimes written.
DATETIME_LONG_STRING_FORMAT: str = "%a, %d %b %Y %H:%M:%S %Z"
# The same pattern with the zone spelled out (labelrow extra: handy for naive-UTC formatting).
DATETIME_STRING_FORMAT: str = "%a, %d %b %Y %H:%M:%S UTC"

ROOT_SPACE_ID: str = "root"

# Colour palette cycled through when ontology objects are created without a colour.
AVAILABLE_COLORS: tuple[str, ...] = (
    "#D33115",
    "#E27300",
    "#16406C",
    "#FE9200",
    "#FCDC00",
    "#DBDF00",
    "#A4DD00",
    "#68CCCA",
    "#73D8FF",
    "#AEA1FF",
    "#FCC400",
    "#B0BC00",
    "#68BC00",
    "#16A5A5",
    "#009CE0",
    "#7B64FF",
    "#FA28FF",
    "#B3B3B3",
    "#9F0500",
    "#C45100",
    "#FB9E00",
    "#808900",
    "#194D33",
    "#0C797D",
    "#0062B1",
    "#653294",
    "#AB149E",
)

__all__ = [
    "AVAILABLE_COLORS",
    "DATETIME_LONG_STRING_FORMAT",
    "DATETIME_STRING_FORMAT",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_MANUAL_ANNOTATION",
    "ROOT_SPACE_ID",
]
