"""Positions and ranges inside an HTML document (mirrors ``encord.objects.html_node``)."""

from __future__ import annotations

from typing import TypedDict

from labelrow.orm.storage import BaseDTO


class HtmlNodeDict(TypedDict):
    """Dict form of an ``HtmlNode``."""

    xpath: str
    offset: int


class HtmlRangeDict(TypedDict):
    """Dict form of an ``HtmlRange``."""

    start: HtmlNodeDict
    end: HtmlNodeDict


class HtmlNode(BaseDTO):
    """A character offset inside the DOM node addressed by ``xpath``."""

    xpath: str
    offset: int

    def __repr__(self) -> str:
        return f"(Node: {self.xpath} Offset: {self.offset})"


class HtmlRange(BaseDTO):
    """The text between two HTML nodes."""

    start: HtmlNode
    end: HtmlNode

    def __repr__(self) -> str:
        return f"({self.start} - {self.end})"

    def __hash__(self) -> int:
        return hash(f"{self.start.xpath}-{self.start.offset}-{self.end.xpath}-{self.end.offset}")

    def to_dict(self) -> HtmlRangeDict:  # type: ignore[override]
        """``{"start": {"xpath", "offset"}, "end": {...}}``."""
        return {
            "start": {"xpath": self.start.xpath, "offset": self.start.offset},
            "end": {"xpath": self.end.xpath, "offset": self.end.offset},
        }

    @classmethod
    def from_dict(cls, d: dict) -> HtmlRange:  # type: ignore[override]
        """Inverse of ``to_dict`` (a missing key raises KeyError)."""
        return cls(
            start=HtmlNode(xpath=d["start"]["xpath"], offset=d["start"]["offset"]),
            end=HtmlNode(xpath=d["end"]["xpath"], offset=d["end"]["offset"]),
        )


HtmlRanges = list[HtmlRange]

__all__ = ["HtmlNode", "HtmlNodeDict", "HtmlRange", "HtmlRangeDict", "HtmlRanges"]
