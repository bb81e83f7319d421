"""A layered, top-down layout of a client's organisation along its reporting lines.

Pure Python (no matplotlib): the caller says how wide each person's label is,
and gets back where to put each person, in points, ``y`` growing downwards.

Each person is drawn as a marker with a label to its right. The top
``spread`` levels of each reporting tree are laid out side by side, the
manager centred above the blocks of their reports; below that -- and for any
manager whose reports have no reports of their own -- a subtree becomes an
indented list (like a file tree), which keeps a 60-person organisation
readable on one page. :func:`org_layout` tries each ``spread`` and keeps
the one whose page shape is closest to ``aspect``. With ``max_width``, a
manager whose reports' blocks side by side would be wider than that puts
them in rows instead: a spine runs down from the manager along the left
edge, and each row hangs from its own bus line (a printed page's width is
a hard limit; the rows make the chart taller instead of wider). People without a manager
and without reports are listed per department. Trees and lists are packed
into rows (shelves). Nothing overlaps by construction: every block is a
rectangle that holds its people's markers and labels, and blocks never share
space.

Examples
--------
>>> people = [OrgPerson("ceo", None, 40), OrgPerson("cfo", "ceo", 40), OrgPerson("cio", "ceo", 40),
...           OrgPerson("a1", "cfo", 30), OrgPerson("a2", "cfo", 30)]
>>> lay = org_layout(people, spread=1)
>>> lay.positions["cfo"][1] > lay.positions["ceo"][1], lay.positions["a1"][0] > lay.positions["cfo"][0]
(True, True)
>>> lay.positions["a2"][1] - lay.positions["a1"][1] == lay.row
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["OrgPerson", "OrgLayout", "org_layout"]


@dataclass(frozen=True)
class OrgPerson:
    """One person: id, manager id (``None`` for none), label width in points, optional group and sort key."""

    id: str
    manager: str | None
    label_width: float
    group: str = ""
    order: tuple[object, ...] = ()


@dataclass
class OrgLayout:
    """Marker positions (points, y down), the connectors to draw and the size of the drawing."""

    positions: dict[str, tuple[float, float]]
    #: Elbow connectors as polylines (lists of points), manager to report.
    connectors: list[list[tuple[float, float]]]
    #: Group headings for lists of people without a reporting line: (text, x, y).
    headings: list[tuple[str, float, float]]
    width: float
    height: float
    row: float
    marker: float
    spread: int = 0
    #: Each person's box (x0, y0, x1, y1): marker plus label.
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


@dataclass
class _Block:
    width: float
    height: float
    pos: dict[str, tuple[float, float]]
    lines: list[list[tuple[float, float]]]
    heads: list[tuple[str, float, float]] = field(default_factory=list)

    def shifted(self, dx: float, dy: float) -> _Block:
        return _Block(self.width, self.height, {k: (x + dx, y + dy) for k, (x, y) in self.pos.items()},
                      [[(x + dx, y + dy) for x, y in line] for line in self.lines],
                      [(t, x + dx, y + dy) for t, x, y in self.heads])


class _Tree:
    def __init__(self, people: Sequence[OrgPerson], row: float, marker: float, gap: float, indent: float,
                 hgap: float, level_gap: float, heading: float = 0.0, max_width: float | None = None) -> None:
        self.max_width = max_width
        self.people = {p.id: p for p in people}
        self.children: dict[str, list[str]] = {p.id: [] for p in people}
        self.row, self.marker, self.gap, self.indent, self.hgap, self.level_gap = (
            row, marker, gap, indent, hgap, level_gap)
        #: Height of a department heading above a block whose department differs from its manager's.
        self.heading = heading
        self.roots: list[str] = []
        for p in people:
            parent = p.manager if p.manager in self.people and p.manager != p.id else None
            if parent is not None and self._creates_cycle(p.id, parent):
                parent = None
            if parent is None:
                self.roots.append(p.id)
            else:
                self.children[parent].append(p.id)
        for kids in self.children.values():
            kids.sort(key=self._key)
        self.roots.sort(key=self._key)

    def _key(self, pid: str) -> tuple[object, ...]:
        p = self.people[pid]
        return (*p.order, pid)

    def _creates_cycle(self, pid: str, parent: str) -> bool:
        seen = {pid}
        current: str | None = parent
        while current is not None and current in self.people:
            if current in seen:
                return True
            seen.add(current)
            manager = self.people[current].manager
            current = manager if manager in self.people and manager != current else None
        return False

    def node_width(self, pid: str) -> float:
        return self.marker + self.gap + self.people[pid].label_width

    def size(self, pid: str) -> int:
        return 1 + sum(self.size(c) for c in self.children[pid])

    def as_list(self, pid: str) -> _Block:
        """The subtree as an indented list: marker x = depth * indent, one row per person."""
        pos: dict[str, tuple[float, float]] = {}
        lines: list[list[tuple[float, float]]] = []
        width = 0.0
        half = self.marker / 2

        def visit(node: str, depth: int) -> None:
            nonlocal width
            x = half + depth * self.indent
            y = half + len(pos) * self.row
            pos[node] = (x, y)
            width = max(width, x - half + self.node_width(node))
            for child in self.children[node]:
                visit(child, depth + 1)
                cx, cy = pos[child]
                lines.append([(x, y + half), (x, cy), (cx - half, cy)])

        visit(pid, 0)
        return _Block(width, len(pos) * self.row, pos, lines)

    def as_tree(self, pid: str, depth: int, spread: int) -> _Block:
        kids = self.children[pid]
        if not kids or depth >= spread or all(not self.children[c] for c in kids):
            return self.as_list(pid)
        managers = [c for c in kids if self.children[c]]
        leaves = [c for c in kids if not self.children[c]]
        blocks = [self.as_tree(c, depth + 1, spread) for c in managers]
        half = self.marker / 2
        if leaves:  # reports without reports of their own share one column
            spine = half
            pos_l = {c: (half + self.indent, half + i * self.row) for i, c in enumerate(leaves)}
            lines_l = [[(spine, 0.0), (spine, pos_l[leaves[-1]][1])]]
            lines_l += [[(spine, y), (x - half, y)] for x, y in pos_l.values()]
            blocks.append(_Block(max(self.indent + self.node_width(c) for c in leaves), len(leaves) * self.row,
                                 pos_l, lines_l))
        parent_group = self.people[pid].group
        headed = [c for c in managers if self.people[c].group and self.people[c].group != parent_group]
        if self.max_width is not None and len(blocks) > 1 and \
                sum(b.width for b in blocks) + self.hgap * (len(blocks) - 1) > self.max_width:
            return self._wrapped(pid, managers, leaves, blocks, headed)
        top = self.row + self.level_gap + (self.heading if headed else 0.0)
        placed: list[_Block] = []
        x = 0.0
        for block in blocks:
            placed.append(block.shifted(x, top))
            x += block.width + self.hgap
        children_width = x - self.hgap
        anchors = [placed[i].pos[c][0] for i, c in enumerate(managers)]
        if leaves:
            anchors.append(placed[-1].lines[0][0][0])
        px = (anchors[0] + anchors[-1]) / 2
        right = max(children_width, px - half + self.node_width(pid))
        pos = {pid: (px, half)}
        lines: list[list[tuple[float, float]]] = []
        bus = self.row + self.level_gap / 2
        heads: list[tuple[str, float, float]] = []
        for i, c in enumerate(managers):
            if c in headed:  # department heading right of the connector that comes down into the block
                cx = placed[i].pos[c][0]
                left = cx - placed[i].pos[c][0] + min(x for x, _ in placed[i].pos.values()) - half
                room = left + placed[i].width + self.hgap * 0.6 - (cx + 4)
                heads.append((_fit(self.people[c].group, room), cx + 4, bus + 1))
        for i, c in enumerate(managers):
            cx, cy = placed[i].pos[c]
            lines.append([(px, half * 2), (px, bus), (cx, bus), (cx, cy - half)])
        if leaves:
            sx, sy = placed[-1].lines[0][0]
            lines.append([(px, half * 2), (px, bus), (sx, bus), (sx, sy)])
        for block in placed:
            pos.update(block.pos)
            lines.extend(block.lines)
            heads.extend(block.heads)
        return _Block(right, top + max(b.height for b in blocks), pos, lines, heads)


    def _wrapped(self, pid: str, managers: list[str], leaves: list[str], blocks: list[_Block],
                 headed: list[str]) -> _Block:
        """The manager at the top left, their reports' blocks in rows no wider than ``max_width``."""
        assert self.max_width is not None
        half = self.marker / 2
        gutter = self.indent
        owners: list[str | None] = [*managers, *([None] if leaves else [])]  # the leaves' block has no manager
        rows: list[list[int]] = [[]]
        width = 0.0
        for i, block in enumerate(blocks):
            if rows[-1] and width + self.hgap + block.width > self.max_width - gutter:
                rows.append([])
                width = 0.0
            width += (self.hgap if rows[-1] else 0.0) + block.width
            rows[-1].append(i)
        pos = {pid: (half, half)}
        lines: list[list[tuple[float, float]]] = []
        heads: list[tuple[str, float, float]] = []
        start = self.row
        right = self.node_width(pid)
        bus = start
        for members in rows:
            has_head = any(owners[i] in headed for i in members)
            bus = start + self.level_gap / 2
            top = start + self.level_gap + (self.heading if has_head else 0.0)
            x = gutter
            bottom = top
            for i in members:
                placed = blocks[i].shifted(x, top)
                owner = owners[i]
                if owner is None:  # the leaves' shared column: join its spine
                    ax, ay = placed.lines[0][0]
                    lines.append([(half, bus), (ax, bus), (ax, ay)])
                else:
                    cx, cy = placed.pos[owner]
                    lines.append([(half, bus), (cx, bus), (cx, cy - half)])
                    if owner in headed:
                        room = x + placed.width + self.hgap * 0.6 - (cx + 4)
                        heads.append((_fit(self.people[owner].group, room), cx + 4, bus + 1))
                pos.update(placed.pos)
                lines.extend(placed.lines)
                heads.extend(placed.heads)
                x += blocks[i].width + self.hgap
                bottom = max(bottom, top + blocks[i].height)
            right = max(right, x - self.hgap)
            start = bottom + self.level_gap / 2
        lines.append([(half, half * 2), (half, bus)])
        return _Block(right, start - self.level_gap / 2, pos, lines, heads)


def _fit(text: str, room: float, char: float = 4.3) -> str:
    """``text`` cut to fit ``room`` points at about ``char`` points per character (7-point italic).

    Examples
    --------
    >>> _fit("Supply Chain", 100), _fit("Supply Chain", 30)
    ('Supply Chain', 'Supp…')
    """
    limit = max(1, int(room / char))
    return text if len(text) <= limit else text[:max(1, limit - 2)].rstrip() + "…"


def _shelves(blocks: list[_Block], max_width: float, gap: float, vgap: float) -> _Block:
    pos: dict[str, tuple[float, float]] = {}
    lines: list[list[tuple[float, float]]] = []
    heads: list[tuple[str, float, float]] = []
    x = y = shelf_height = width = 0.0
    for block in blocks:
        if x > 0 and x + block.width > max_width:
            y += shelf_height + vgap
            x = shelf_height = 0.0
        moved = block.shifted(x, y)
        pos.update(moved.pos)
        lines.extend(moved.lines)
        heads.extend(moved.heads)
        x += block.width + gap
        width = max(width, x - gap)
        shelf_height = max(shelf_height, block.height)
    return _Block(width, y + shelf_height, pos, lines, heads)


def org_layout(people: Sequence[OrgPerson], *, row: float = 24.0, marker: float = 11.0, gap: float = 4.0,
               indent: float = 16.0, hgap: float = 18.0, level_gap: float = 14.0, aspect: float = 1.5,
               spread: int | None = None, max_width: float | None = None) -> OrgLayout:
    """Lay out ``people`` top-down along their reporting lines (see the module docstring).

    Parameters
    ----------
    people : sequence of OrgPerson
        Everyone to place; a manager not in the list counts as no manager.
    row : float
        Height of one person's row, in points.
    marker : float
        Marker diameter in points; the label starts ``gap`` points right of it.
    indent, hgap, level_gap : float
        List indent, space between side-by-side blocks, extra space between levels.
    aspect : float
        Wanted width / height of the drawing (the best ``spread`` is picked for it).
    spread : int, optional
        Force how many levels are laid out side by side (0 = lists only).
    max_width : float, optional
        Widest a manager's reports may be side by side; wider, they are put in rows (see the module
        docstring). Shelves of separate trees and lists are packed to this width too, and of the
        arrangements tried the shortest that fits the width is kept (``aspect`` is then not used).
    """
    tree = _Tree(people, row, marker, gap, indent, hgap, level_gap, heading=row * 0.5, max_width=max_width)
    trees = [r for r in tree.roots if tree.children[r]]
    loners: dict[str, list[str]] = {}
    for r in tree.roots:
        if not tree.children[r]:
            loners.setdefault(tree.people[r].group, []).append(r)
    heading = row * 0.75
    loner_blocks = []
    for group in sorted(loners):
        ids = loners[group]
        half = marker / 2
        pos = {pid: (half, heading + half + i * row) for i, pid in enumerate(ids)}
        width = max(tree.node_width(pid) for pid in ids)
        loner_blocks.append(_Block(width, heading + len(ids) * row, pos, [], [(group or "(no department)", 0, 0)]))

    best: tuple[float, int, _Block] | None = None
    choices = [spread] if spread is not None else [0, 1, 2, 3, 4]
    for depth in choices:
        blocks = [tree.as_tree(r, 0, depth) for r in trees] + loner_blocks
        blocks.sort(key=lambda b: -b.height)
        area = sum((b.width + hgap) * (b.height + row) for b in blocks)
        target = max(max((b.width for b in blocks), default=0.0), math.sqrt(area * aspect))
        if max_width is not None:
            target = max(min(target, max_width), max((b.width for b in blocks), default=0.0))
        packed = _shelves(blocks, target, hgap * 2, row)
        shape = packed.width / packed.height if packed.height else 1.0
        score = abs(math.log(max(shape, 1e-6) / aspect))
        if max_width is not None:  # a page: the width is given, the shortest arrangement that fits wins
            score = packed.height + (1e9 if packed.width > max_width + 1e-6 else 0.0)
        if best is None or score < best[0] - 1e-9:
            best = (score, depth, packed)
    assert best is not None
    _, depth, packed = best
    half = marker / 2
    boxes = {pid: (x - half, y - row / 2, x - half + tree.node_width(pid), y + row / 2)
             for pid, (x, y) in packed.pos.items()}
    return OrgLayout(positions=packed.pos, connectors=packed.lines, headings=packed.heads, width=packed.width,
                     height=packed.height, row=row, marker=marker, spread=depth, boxes=boxes)
