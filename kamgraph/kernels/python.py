"""The kernels in plain Python: the twins of :mod:`kamgraph.kernels._compiled`, name for name.

Each function here takes exactly what its compiled twin takes -- plain lists,
dicts, ``bytes`` and ``array`` objects, node numbers -- and returns the same
thing (the named tuples of :mod:`kamgraph.kernels.results`, lists, ints), so
:mod:`kamgraph.kernels` can bind either module's functions under the same
names. They define what the compiled ones compute: ``tests/test_kernels.py``
runs both on the same inputs and requires the same results.

Graphs arrive as CSR arrays over nodes ``0..n-1``, the ``n_staff`` staff
first: node ``v``'s neighbours, ascending, are
``indices[indptr[v]:indptr[v + 1]]``; ``rev`` holds, for each such position
``v -> w``, the position of ``w -> v``. Our team acts as one source joined to
every staff member; staff-staff links are not in the graph.

Examples
--------
A staff member (0) with a thread to stakeholder 1, who reports to 2:

>>> from array import array
>>> indptr, indices, rev = array("i", [0, 1, 3, 4]), array("i", [1, 0, 2, 1]), array("i", [1, 0, 3, 2])
>>> sole = array("i", [-1, 0, -1])
>>> found = impacts(3, 1, indptr, indices, sole, [0.0, 2.0, 2.0], True)
>>> found.lost, found.lost_threads, found.share, sorted(found.reach)
([[1, 2], [2], []], [[1], [], []], [1.0, 0.5, 0.0], [1, 2])
>>> found.bridges
BridgeTable(u=[1, 0], v=[2, 1], cut_off=[[2], [1, 2]])
>>> connectivity(3, 1, indptr, indices, rev, 2, -1)
1
>>> team_betweenness(3, 1, indptr, indices)
[1.0, 0.5, 0.0]
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .results import (
    BridgeTable,
    BrokerTable,
    ClientPairTable,
    EdgeLayout,
    Impacts,
    PairTable,
    TieTable,
    TieViews,
    WarmPathTree,
)

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["aggregate_ties", "tie_views", "build_edges", "impacts", "connectivity", "team_betweenness", "brokers",
           "warm_paths"]

#: Kind bits the edge layout sets itself (``KIND_BITS`` of :mod:`kamgraph.graph.compact`: thread and met).
_THREAD_BIT, _MET_BIT = 1, 32


class _Meeting(Protocol):
    """What the tie kernel reads of a meeting (:class:`kamgraph.domain.models.Meeting` has it)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def id(self) -> str: ...
    @property
    def attendees(self) -> Iterable[str]: ...
    @property
    def kind(self) -> Hashable: ...


# --------------------------------------------------------------------------- tie strengths
def aggregate_ties(meetings: Sequence[_Meeting] | Sequence[Sequence[Any]], index: dict[str, int], is_staff: bytes,
                   as_of: int, half_life: float, weights: dict, full_size: int = 0,
                   days: Sequence[int] | None = None) -> TieTable | None:
    """Every staff-stakeholder pair and every stakeholder pair that met, with their figures.

    The kernel behind :func:`kamgraph.graph.strength.tie_stats` (which defines
    tie strength): one pass over the meetings accumulates, per pair, the
    count, the first and last meeting and the decayed, weighted strength,
    summed in meeting order; the pairs then come out sorted by key.

    Parameters
    ----------
    meetings : sequence of Meeting
        Sorted by date, then id: strengths are summed in this order, and first
        and last meetings are positions in this list.
    index : dict
        Person id -> node number; attendees not in it are ignored.
    is_staff : bytes
        1 for our staff, 0 for stakeholders, by node number.
    as_of : int
        Ordinal of the as-of date (:meth:`datetime.date.toordinal`); later meetings are ignored.
    half_life : float
        In days.
    weights : dict
        Meeting kind -> weight.
    full_size : int
        Attendees up to which a meeting counts fully: a meeting of ``n > full_size``
        attendees counts ``full_size / n`` of its weight for every pair in it
        (0: every meeting counts fully; see :class:`kamgraph.settings.MeetingSizeSettings`).
    days : sequence of int, optional
        With it, ``meetings`` are a store's packed rows -- ``(date, id, account, kind, subject, source,
        source id, "attendee,attendee,...")``, see :data:`kamgraph.domain.dataset.MeetingRow` -- and
        ``days[k]`` is the ordinal of row ``k``'s date: the same sums, without building a record a meeting.

    Returns
    -------
    TieTable or None
        None when ``meetings`` are not sorted by (date, id). Else the
        staff-stakeholder pairs that met, ordered by (stakeholder, staff), and
        the pairs of stakeholders who attended the same meeting with our staff,
        ``a < b``, ordered by (a, b).

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace as Meeting
    >>> d = dt.date(2025, 1, 1)
    >>> ms = [Meeting(id="m1", date=d, attendees=["s", "a", "b"], kind="meeting"),
    ...       Meeting(id="m2", date=d, attendees=["s", "a"], kind="meeting")]
    >>> pairs, together = aggregate_ties(ms, {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), d.toordinal(), 90.0,
    ...                                  {"meeting": 1.0})
    >>> pairs
    PairTable(staff=[0, 0], stakeholder=[1, 2], count=[2, 1], first=[0, 0], last=[1, 0], strength=[2.0, 1.0])
    >>> together
    ClientPairTable(a=[1], b=[2], strength=[1.0])

    With ``full_size=2`` the three-person meeting counts 2/3 for each pair:

    >>> aggregate_ties(ms, {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), d.toordinal(), 90.0, {"meeting": 1.0},
    ...                2).pairs.strength
    [1.6666666666666665, 0.6666666666666666]

The same meetings as packed rows, each date given by its ordinal:

    >>> rows = [("2025-01-01", "m1", "x", "meeting", None, None, None, "s,a,b"),
    ...         ("2025-01-01", "m2", "x", "meeting", None, None, None, "s,a")]
    >>> aggregate_ties(rows, {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), d.toordinal(), 90.0, {"meeting": 1.0},
    ...                days=[d.toordinal()] * 2) == (pairs, together)
    True
    """
    n = len(is_staff)
    factors: dict[tuple[int, object], float] = {}
    acc: dict[int, list] = {}
    together: dict[int, float] = {}
    previous = (-1, "")
    for position, meeting in enumerate(meetings):
        if days is None:
            day, meeting_id, kind, attendees = meeting.date.toordinal(), meeting.id, meeting.kind, meeting.attendees
        else:  # a packed row
            day, meeting_id, kind, attendees = days[position], meeting[1], meeting[3], meeting[7].split(",")
        if (day, meeting_id) < previous:
            return None
        previous = (day, meeting_id)
        if day > as_of:
            continue
        people = {index[p] for p in attendees if p in index}
        ours = sorted(i for i in people if is_staff[i])
        theirs = sorted(i for i in people if not is_staff[i])
        if not ours or not theirs:
            continue
        value = factors.get((day, kind))
        if value is None:
            value = factors[(day, kind)] = weights.get(kind, 0.0) * 2.0 ** (-max(as_of - day, 0) / half_life)
        size = len(attendees)
        if 0 < full_size < size:
            value = value * full_size / size
        for c in theirs:
            for s in ours:
                record = acc.get(c * n + s)
                if record is None:
                    acc[c * n + s] = [1, position, position, value]
                else:
                    record[0] += 1
                    record[2] = position
                    record[3] += value
        for i, a in enumerate(theirs):
            for b in theirs[i + 1:]:
                together[a * n + b] = together.get(a * n + b, 0.0) + value
    pairs = PairTable([], [], [], [], [], [])
    for key in sorted(acc):
        count, first, last, strength = acc[key]
        for column, value in zip(pairs, (key % n, key // n, count, first, last, strength), strict=True):
            column.append(value)
    client_pairs = ClientPairTable([], [], [])
    for key in sorted(together):
        for column, value in zip(client_pairs, (key // n, key % n, together[key]), strict=True):
            column.append(value)
    return TieTable(pairs, client_pairs)


def tie_views(pairs: PairTable, ids: list[str], n_staff: int, n: int, threshold: float) -> TieViews:
    """Threads, latest meeting and staff strength from :func:`aggregate_ties`' pairs.

    Node numbers below ``n_staff`` are active staff, ``n_staff`` to ``n - 1``
    active stakeholders, the rest people who left.

    Parameters
    ----------
    pairs : PairTable
        From :func:`aggregate_ties`.
    ids : list of str
        Person id by node number.
    n_staff, n : int
        The active staff, and the active people (see above).
    threshold : float
        The thread threshold.

    Returns
    -------
    TieViews
        Each active stakeholder's threads (active staff at or above
        ``threshold``, strongest first, then by id); for every stakeholder who
        met any staff, the position of their latest meeting; each active staff
        member's summed strength with active stakeholders (in pair order).

    Examples
    --------
    >>> pairs = PairTable([0, 1, 0], [2, 2, 3], [1, 1, 1], [0, 0, 1], [0, 0, 1], [0.6, 0.9, 0.2])
    >>> threads, last, staff_strength = tie_views(pairs, ["s1", "s2", "c1", "c2"], 2, 4, 0.5)
    >>> threads, last, staff_strength
    ({'c1': [('s2', 0.9), ('s1', 0.6)]}, {'c1': 0, 'c2': 1}, {'s1': 0.8, 's2': 0.9})
    """
    last: dict[str, int] = {}
    totals: dict[int, float] = {}
    chosen: dict[int, list[tuple[float, int]]] = {}
    for s, c, _, _, latest, value in zip(*pairs, strict=True):
        cid = ids[c]
        if last.get(cid, -1) < latest:
            last[cid] = latest
        if s < n_staff and c < n:
            totals[s] = totals.get(s, 0.0) + value
            if value >= threshold:
                chosen.setdefault(c, []).append((-value, s))
    threads = {ids[c]: [(ids[s], -value) for value, s in sorted(found)] for c, found in chosen.items()}
    return TieViews(threads, last, {ids[s]: totals[s] for s in sorted(totals)})


# --------------------------------------------------------------------------- the compact graph
def build_edges(n: int, n_staff: int, pairs: PairTable, client_pairs: ClientPairTable, threshold: float,
                extra_u: list[int], extra_v: list[int], extra_mask: list[int]) -> EdgeLayout:
    """Merge every link of an account's graph and lay out its adjacency as CSR arrays.

    Links: staff-stakeholder pairs at or above ``threshold`` (threads, kind
    bit 1; weaker ones become weak contacts), stakeholder pairs who met at or
    above it ("met", bit 32), and the ``extra`` links (relationships,
    reporting lines) with their kind bits. Pairs with a node ``>= n`` (people
    who left) are dropped. A pair linked several ways keeps every kind bit and
    its largest strength (-1 when only ``extra`` links join it). The merged
    pairs are then placed row by row in pair order, so every row comes out
    ascending.

    Parameters
    ----------
    n, n_staff : int
        Active people and active staff (node numbers ``0..n_staff-1``).
    pairs, client_pairs : PairTable, ClientPairTable
        From :func:`aggregate_ties` (with node numbers ``>= n`` for people who left).
    threshold : float
        The thread threshold.
    extra_u, extra_v, extra_mask : list of int
        Further links and their kind bits.

    Returns
    -------
    EdgeLayout
        The weak contacts, sorted, and the CSR arrays with each position's
        reverse, distance, kind bits and strength, and each node's sole thread.

    Examples
    --------
    Staff 0 has a thread to 1 (strength 2) and a weak contact with 2; 1 reports to 2 (bit 8):

    >>> pairs = PairTable([0, 0], [1, 2], [1, 1], [0, 0], [0, 0], [2.0, 0.1])
    >>> layout = build_edges(3, 1, pairs, ClientPairTable([], [], []), 0.5, [1], [2], [8])
    >>> layout.weak, layout.indptr.tolist(), layout.indices.tolist(), layout.sole.tolist()
    ([(0, 2, 0.1)], [0, 1, 3, 4], [1, 0, 2, 1], [-1, 0, -1])
    >>> layout.lengths.tolist(), layout.masks.tolist(), layout.strengths.tolist()
    ([0.5, 0.5, 1.0, 1.0], [1, 1, 8, 8], [2.0, 2.0, -1.0, -1.0])
    """
    merged: dict[int, list] = {}  # a * n + b (a < b) -> [kind bits, strength]
    weak: list[tuple[int, int, float]] = []

    def link(a: int, b: int, mask: int, strength: float) -> None:
        key = a * n + b if a < b else b * n + a
        old = merged.get(key)
        if old is None:
            merged[key] = [mask, strength]
        else:
            old[0] |= mask
            old[1] = max(old[1], strength)

    staff, stakeholders, _, _, _, strengths = pairs
    for s, c, value in zip(staff, stakeholders, strengths, strict=True):
        if s < n_staff and c < n:
            if value >= threshold:
                link(s, c, _THREAD_BIT, value)
            else:
                weak.append((s, c, value))
    for a, b, value in zip(*client_pairs, strict=True):
        if a < n and b < n and value >= threshold:
            link(a, b, _MET_BIT, value)
    for a, b, mask in zip(extra_u, extra_v, extra_mask, strict=True):
        link(a, b, mask, -1.0)
    weak.sort()
    keys = sorted(merged)
    m = len(keys)
    indptr = array("i", [0]) * (n + 1)
    for key in keys:
        indptr[key // n + 1] += 1
        indptr[key % n + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    fill = indptr.tolist()
    indices, rev, masks = array("i", [0]) * (2 * m), array("i", [0]) * (2 * m), array("i", [0]) * (2 * m)
    lengths, strengths_at = array("d", [0.0]) * (2 * m), array("d", [0.0]) * (2 * m)
    sole = array("i", [-1]) * n
    threads = [0] * n
    for key in keys:  # in pair order: row a receives b ascending, and so does every row
        a, b = divmod(key, n)
        mask, strength = merged[key]
        pa, pb = fill[a], fill[b]
        fill[a] += 1
        fill[b] += 1
        indices[pa], indices[pb] = b, a
        rev[pa], rev[pb] = pb, pa
        lengths[pa] = lengths[pb] = 1.0 / strength if strength > 0 else 1.0
        masks[pa] = masks[pb] = mask
        strengths_at[pa] = strengths_at[pb] = strength
        if mask & _THREAD_BIT and a < n_staff <= b:
            threads[b] += 1
            sole[b] = a if threads[b] == 1 else -1
    return EdgeLayout(weak, indptr, indices, rev, sole, lengths, masks, strengths_at)


# --------------------------------------------------------------------------- fragility
def impacts(n: int, n_staff: int, indptr: array, indices: array, sole: array, importance: list[float],
            want_bridges: bool) -> Impacts:
    """Every node's removal impact from one depth-first search (see :mod:`kamgraph.analysis.fragility`).

    One iterative depth-first search from the team source (Hopcroft-Tarjan):
    a child subtree ``w`` of ``v`` is cut off by removing ``v`` exactly when
    ``low(w) >= disc(v)``, and the link ``v-w`` is a bridge when
    ``low(w) > disc(v)``. A staff member's link back to the source counts at
    discovery (low 0) unless the source is its parent. Subtrees are
    contiguous runs of the discovery order, so each node's cut-off
    stakeholders are read off it; the stakeholders whose only thread is a
    node (``sole``) are added to that node's losses.

    Parameters
    ----------
    n, n_staff : int
        People and staff.
    indptr, indices : array
        The CSR adjacency.
    sole : array
        Each node's only thread, -1 for none or several.
    importance : list of float
        By node number (stakeholders' only are summed).
    want_bridges : bool
        Also list the cut links.

    Returns
    -------
    Impacts
        Each node's impact (columns by node number), the cut links (when
        asked for) and the stakeholders reachable today.
    """
    source = n
    disc = [-1] * (n + 1)
    low = [0] * (n + 1)
    parent = [-1] * (n + 1)
    size = [1] * (n + 1)
    order = [source]
    cut_children: dict[int, list[int]] = {}
    bridges = BridgeTable([], [], [])
    disc[source] = 0
    clock = 1
    stack = [(source, iter(range(n_staff)))]
    while stack:
        v, neighbours = stack[-1]
        pv = parent[v]
        for w in neighbours:
            if disc[w] == -1:
                parent[w] = v
                disc[w] = clock
                low[w] = 0 if (w < n_staff and v != source) else clock
                clock += 1
                order.append(w)
                stack.append((w, iter(indices[indptr[w]:indptr[w + 1]])))
                break
            if w != pv and disc[w] < low[v]:
                low[v] = disc[w]
        else:
            stack.pop()
            if pv >= 0:
                if low[v] < low[pv]:
                    low[pv] = low[v]
                size[pv] += size[v]
                if pv != source and low[v] >= disc[pv]:
                    cut_children.setdefault(pv, []).append(v)
                    if want_bridges and low[v] > disc[pv]:
                        start = disc[v]
                        cut_off = sorted(x for x in order[start:start + size[v]] if x >= n_staff)
                        if cut_off:
                            bridges.u.append(min(pv, v))
                            bridges.v.append(max(pv, v))
                            bridges.cut_off.append(cut_off)
    reach = {x for x in order if n_staff <= x < n}
    total = sum(importance[n_staff:n])
    orphans: dict[int, list[int]] = {}
    for c in range(n_staff, n):
        if sole[c] >= 0 and disc[c] != -1:
            orphans.setdefault(sole[c], []).append(c)
    nothing: list[int] = []
    lost_at, threads_at, paths_at, share_at = [nothing] * n, [nothing] * n, [nothing] * n, [0.0] * n
    for v in set(cut_children) | set(orphans):
        cut: list[int] = []
        for w in cut_children.get(v, ()):
            start = disc[w]
            cut.extend(x for x in order[start:start + size[w]] if x >= n_staff)
        orphaned = orphans.get(v, [])
        found = set(cut)
        found.update(orphaned)
        found.discard(v)
        lost = sorted(found)
        share = sum(importance[x] for x in lost) / total if total else 0.0
        lost_at[v], threads_at[v], paths_at[v], share_at[v] = lost, sorted(orphaned), sorted(cut), round(share, 12)
    return Impacts(lost_at, threads_at, paths_at, share_at, bridges, reach)


def connectivity(n: int, n_staff: int, indptr: array, indices: array, rev: array, target: int, cap: int) -> int:
    """Vertex connectivity between the team source and node ``target``, counted up to ``cap``.

    The maximum number of internally vertex-disjoint paths (Menger), by
    augmenting paths searched *from the target* towards the team, so that a
    fragile stakeholder costs a small local search. Each person is split into
    an in and an out side joined by a unit-capacity step; direct ties and
    two-step paths are taken greedily first, then breadth-first augmenting
    paths over the residual graph (``rev`` finds the reverse of a used link).

    Parameters
    ----------
    n, n_staff : int
        People and staff.
    indptr, indices, rev : array
        The CSR adjacency and each position's reverse.
    target : int
        A node (a staff member's connectivity is ``n_staff``, capped).
    cap : int
        Stop at this many paths (the result then means "at least ``cap``"); negative for no cap.

    Returns
    -------
    int
        The number of disjoint paths found.
    """
    if target < n_staff:
        return n_staff if cap < 0 else min(cap, n_staff)
    start, end = indptr[target], indptr[target + 1]
    bound = min(end - start, n_staff)
    if cap >= 0:
        bound = min(bound, cap)
    if bound == 0:
        return 0
    used = bytearray(n)
    sink_used = bytearray(n)
    flow = bytearray(indptr[n])  # per directed link: a path runs along it (stakeholder -> team)
    found = 0
    for e in range(start, end):  # direct ties: t -> s -> team
        s = indices[e]
        if s < n_staff and found < bound:
            flow[e] = 1
            used[s] = sink_used[s] = 1
            found += 1
    for e in range(start, end):  # two steps: t -> u -> s -> team, for a free staff member s
        u = indices[e]
        if u < n_staff or used[u] or found >= bound:
            continue
        for e2 in range(indptr[u], indptr[u + 1]):
            s = indices[e2]
            if s < n_staff and not used[s]:
                flow[e] = flow[e2] = 1
                used[u] = used[s] = sink_used[s] = 1
                found += 1
                break
    while found < bound:
        # States: 2v = v_in, 2v + 1 = v_out; the search starts on the target's out side.
        # prev: state -> (the state before it, the link taken or cancelled, -1 for an in/out step)
        first = 2 * target + 1
        prev = {first: (-1, -1)}
        queue = [first]
        head = 0
        goal = -1
        while head < len(queue):
            state = queue[head]
            head += 1
            v = state >> 1
            if state & 1:
                if v < n_staff and not sink_used[v]:
                    goal = state
                    break
                for e in range(indptr[v], indptr[v + 1]):
                    if not flow[e]:
                        w = indices[e]
                        nxt = 2 * w
                        if nxt not in prev and w != target:
                            prev[nxt] = (state, e)
                            queue.append(nxt)
                if used[v] and v != target:
                    nxt = 2 * v
                    if nxt not in prev:
                        prev[nxt] = (state, -1)
                        queue.append(nxt)
            else:
                if not used[v]:
                    nxt = 2 * v + 1
                    if nxt not in prev:
                        prev[nxt] = (state, -1)
                        queue.append(nxt)
                for e in range(indptr[v], indptr[v + 1]):
                    if flow[rev[e]]:
                        nxt = 2 * indices[e] + 1
                        if nxt not in prev:
                            prev[nxt] = (state, rev[e])
                            queue.append(nxt)
        if goal < 0:
            break
        found += 1
        sink_used[goal >> 1] = 1
        state = goal
        before, e = prev[state]
        while before >= 0:
            x, y = before >> 1, state >> 1
            if before & 1:
                if x == y:
                    used[x] = 0  # stepped back through a used person
                else:
                    flow[e] = 1
            elif x == y:
                used[x] = 1
            else:
                flow[e] = 0  # cancelled a path that ran y -> x
            state = before
            before, e = prev[state]
    return found


# --------------------------------------------------------------------------- bridging
def team_betweenness(n: int, n_staff: int, indptr: array, indices: array) -> list[float]:
    """Share of the shortest (hop) team-to-stakeholder paths through each node.

    The Brandes dependency of the team source: one breadth-first search from
    all staff at once counts shortest paths (``sigma``), then the nodes,
    farthest first, pass their dependency back to each neighbour one hop
    closer; stakeholders are the targets. Divided by the number of reachable
    stakeholders (all zeros when there is none).

    Parameters
    ----------
    n, n_staff : int
        People and staff.
    indptr, indices : array
        The CSR adjacency.

    Returns
    -------
    list of float
        By node number.
    """
    sigma = [0.0] * n
    dist = [-1.0] * n
    order = list(range(n_staff))
    for s in order:
        sigma[s] = 1.0
        dist[s] = 1.0
    head = 0
    while head < len(order):
        v = order[head]
        head += 1
        dv = dist[v] + 1.0
        sv = sigma[v]
        for w in indices[indptr[v]:indptr[v + 1]]:
            dw = dist[w]
            if dw < 0:
                dist[w] = dv
                sigma[w] = sv
                order.append(w)
            elif dw == dv:
                sigma[w] += sv
    delta = [0.0] * n
    for w in reversed(order):
        coeff = (1.0 if w >= n_staff else 0.0) + delta[w]
        sw = sigma[w]
        dw = dist[w]
        for v in indices[indptr[w]:indptr[w + 1]]:
            if dist[v] >= 0 and dist[v] + 1.0 == dw:
                delta[v] += sigma[v] / sw * coeff
    targets = sum(1 for v in order if v >= n_staff)
    return [d / targets for d in delta] if targets else delta


def brokers(n: int, n_staff: int, indptr: array, indices: array, department: array,
            n_departments: int) -> BrokerTable:
    """Stakeholders tied into two or more departments, with Burt's constraint on the stakeholder subgraph.

    A stakeholder qualifies when its stakeholder neighbours sit in at least one
    department other than its own and, counting its own when it has one, in
    at least two. Its constraint (unit tie weights, see
    :func:`kamgraph.analysis.bridging.constraint`) is
    ``sum_j (p + sum_q p / deg(q))^2`` over its stakeholder neighbours ``j``,
    ``q`` running over the stakeholders both are tied to, with ``p`` one over
    its number of stakeholder neighbours; sums run in row order.

    Parameters
    ----------
    n, n_staff : int
        People and staff.
    indptr, indices : array
        The CSR adjacency.
    department : array
        Each node's department number, 0 for none.
    n_departments : int
        The largest department number.

    Returns
    -------
    BrokerTable
        In node order.
    """
    rows = [indices[indptr[v]:indptr[v + 1]] for v in range(n)]
    degree = [0] * n
    for v in range(n_staff, n):
        degree[v] = sum(1 for w in rows[v] if w >= n_staff)
    seen = [0] * (n_departments + 1)
    found = BrokerTable([], [], [])
    for v in range(n_staff, n):
        row = rows[v]
        own = department[v]
        depts: list[int] = []
        for w in row:
            d = department[w]
            if w >= n_staff and d and d != own and seen[d] != v + 1:
                seen[d] = v + 1
                depts.append(d)
        if depts and own:
            depts.append(own)
        if len(depts) < 2:
            continue
        p = 1.0 / degree[v]
        mine = {w for w in row if w >= n_staff}
        total = 0.0
        for w in row:
            if w < n_staff:
                continue
            indirect = 0.0
            for q in rows[w]:
                if q in mine:
                    indirect += p / degree[q]
            local = p + indirect
            total += local * local
        found.node.append(v)
        found.constraint.append(total)
        found.departments.append(depts)
    return found


# --------------------------------------------------------------------------- warm paths
def warm_paths(n: int, n_staff: int, indptr: array, indices: array, lengths: array,
               weak: list[tuple[int, int, float]]) -> WarmPathTree:
    """Warmest paths from our team: Dijkstra from all staff at once over the links and the weak contacts.

    A link's distance is ``lengths`` (1/strength); a weak contact's is
    1/strength (1e9 without strength), tried after a node's links, in
    ``weak`` order. Ties in the queue go to the lower node number, and a
    distance must improve by more than 1e-12 to replace another, so the paths
    do not depend on rounding.

    Parameters
    ----------
    n, n_staff : int
        People and staff.
    indptr, indices, lengths : array
        The CSR adjacency and each link's distance.
    weak : list of tuple
        ``(staff, stakeholder, strength)``.

    Returns
    -------
    WarmPathTree
        Each node's distance and predecessor.
    """
    extra: dict[int, list[tuple[int, float]]] = {}
    for s, c, strength in weak:
        d = 1.0 / strength if strength > 0 else 1e9
        extra.setdefault(s, []).append((c, d))
        extra.setdefault(c, []).append((s, d))
    inf = float("inf")
    dist = [inf] * n
    prev = [-1] * n
    done = [False] * n
    heap = [(0.0, s) for s in range(n_staff)]
    for s in range(n_staff):
        dist[s] = 0.0
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        d, v = pop(heap)
        if done[v] or d > dist[v]:
            continue
        done[v] = True
        start, end = indptr[v], indptr[v + 1]
        links = zip(indices[start:end], lengths[start:end], strict=True)
        for w, step in (links if v not in extra else [*links, *extra[v]]):
            nd = d + step
            if nd < dist[w] - 1e-12:
                dist[w] = nd
                prev[w] = v
                push(heap, (nd, w))
    return WarmPathTree(dist, prev)
