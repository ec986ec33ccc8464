"""Label geometry in inches: measure text as matplotlib will draw it, wrap it, and push overlapping boxes apart."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

FONT = "DejaVu Sans"  # bundled with matplotlib; has Latin, Cyrillic and Greek glyphs
LINE_SPACING = 1.2
PAD = 0.03  # inches of white box around each label
# The longest label and title laid out, in characters: far beyond what any shown one holds (labels are wrapped to a
# few dozen), and short enough that a huge one (10,000 characters) costs nothing (it took gigabytes and minutes).
MAX_LABEL = 300
MAX_TITLE = 300


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in … when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def _renderer() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # at 72 dpi a pixel is a point


@cache
def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in inches of ``text`` (may have several lines) at ``size`` points, plus the label pad."""
    prop = FontProperties(family=FONT, size=size, weight=weight)
    lines = text.split("\n")
    width = max(_renderer().get_text_width_height_descent(line or " ", prop, ismath=False)[0] for line in lines)
    height = size * (LINE_SPACING * (len(lines) - 1) + 1.15)
    return width / 72 + 2 * PAD, height / 72 + 2 * PAD


def wrap(text: str, width: int = 24, max_lines: int = 2) -> str:
    """``text`` on at most ``max_lines`` lines of about ``width`` characters, ending in … when cut."""
    text = clip(text, MAX_LABEL)
    lines = textwrap.wrap(text, width=width, break_long_words=False) or [text]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,;:-") + "…"
    return "\n".join(lines)


def fit(text: str, max_width: float, size: float, max_lines: int = 3) -> str:
    """``text`` wrapped at word boundaries into as few lines as fit ``max_width`` inches (at most ``max_lines``)."""
    text = clip(text, MAX_LABEL)
    if text_size(text, size)[0] <= max_width:
        return text
    for width in range(len(text) - 1, 12, -2):
        wrapped = wrap(text, width, max_lines)
        if text_size(wrapped, size)[0] <= max_width:
            return wrapped
    return wrap(text, 12, max_lines)


@dataclass
class Box:
    """A rectangle relative to its node's position: x0, y0, x1, y1 in inches."""

    x0: float
    y0: float
    x1: float
    y1: float


def label_box(anchor: str, gap: float, width: float, height: float) -> Box:
    """Where a ``width`` × ``height`` label sits when placed on side ``anchor`` of a node, ``gap`` inches away."""
    if anchor == "right":
        return Box(gap, -height / 2, gap + width, height / 2)
    if anchor == "left":
        return Box(-gap - width, -height / 2, -gap, height / 2)
    if anchor == "above":
        return Box(-width / 2, gap, width / 2, gap + height)
    if anchor == "below":
        return Box(-width / 2, -gap - height, width / 2, -gap)
    return Box(-width / 2, -height / 2, width / 2, height / 2)


def separate(centers: np.ndarray, boxes: list[Box], pinned: np.ndarray, margin: float = 0.04, rounds: int = 400) -> np.ndarray:
    """Move nodes (not the pinned ones) until no two of their boxes overlap; return the new centers.

    Each node's box (its marker and label together) is given relative to its center. Overlapping pairs are pushed
    apart along the axis that needs the smaller move, mostly vertically since labels are wide.
    """
    pos = centers.astype(float).copy()
    if len(boxes) < 2:
        return pos
    rel = np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], dtype=float)
    free = ~pinned
    for _ in range(rounds):
        absolute = rel + pos[:, [0, 1, 0, 1]]
        x0, y0, x1, y1 = (absolute[:, k] for k in range(4))
        over_x = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :]) + margin
        over_y = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :]) + margin
        i, j = np.nonzero(np.triu((over_x > 0) & (over_y > 0), k=1))
        if not len(i):
            break
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        share_i = np.where(free[i] & free[j], 0.5, np.where(free[i], 1.0, 0.0))
        share_j = np.where(free[j], 1.0 - share_i, 0.0)
        vertical = over_y[i, j] <= 1.6 * over_x[i, j]
        step = np.zeros((len(i), 2))
        step[:, 1] = np.where(vertical, over_y[i, j] * np.where(cy[i] >= cy[j], 1, -1), 0.0)
        step[:, 0] = np.where(vertical, 0.0, over_x[i, j] * np.where(cx[i] >= cx[j], 1, -1))
        move = np.zeros_like(pos)
        np.add.at(move, i, step * (share_i * 0.6)[:, None])
        np.add.at(move, j, -step * (share_j * 0.6)[:, None])
        pos += move
    return pos


def overlapping(boxes: list[tuple[float, float, float, float]], tolerance: float = 0.0) -> list[tuple[int, int]]:
    """Pairs of absolute boxes (x0, y0, x1, y1) that overlap by more than ``tolerance``."""
    if len(boxes) < 2:
        return []
    arr = np.array(boxes, dtype=float)
    over_x = np.minimum(arr[:, None, 2], arr[None, :, 2]) - np.maximum(arr[:, None, 0], arr[None, :, 0])
    over_y = np.minimum(arr[:, None, 3], arr[None, :, 3]) - np.maximum(arr[:, None, 1], arr[None, :, 1])
    hit = np.triu((over_x > tolerance) & (over_y > tolerance), k=1)
    return [(int(a), int(b)) for a, b in zip(*np.nonzero(hit))]
