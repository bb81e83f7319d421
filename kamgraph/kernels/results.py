"""The named results the kernels return, the same for both implementations.

Every kernel of :mod:`kamgraph.kernels.python` and its compiled twin returns
one of these (or a plain list or int): tuples with named, documented fields,
so that callers read ``layout.indptr`` rather than the second item of an
8-tuple. They are :class:`typing.NamedTuple` subclasses: they unpack and
compare like the plain tuples they replace. Results with one entry per
node, pair or link are *tables* -- one list per field, parallel, like
:class:`PairTable` -- so that a kernel builds no object per entry (building a
named tuple costs ten times a plain one; an account has hundreds of entries).

Node numbers are the kernels' integer node ids (staff first, see
:class:`kamgraph.graph.compact.CompactGraph`); "meeting positions" index the
meetings list given to :func:`~kamgraph.kernels.python.aggregate_ties`.

Examples
--------
>>> bridges = BridgeTable(u=[0, 1], v=[1, 2], cut_off=[[1, 2], [2]])
>>> bridges.cut_off[1]
[2]
>>> [(u, v) for u, v, _ in zip(*bridges)]
[(0, 1), (1, 2)]
>>> bridges == ([0, 1], [1, 2], [[1, 2], [2]])
True
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

__all__ = ["PairTable", "ClientPairTable", "TieTable", "TieViews", "EdgeLayout", "BridgeTable", "Impacts",
           "BrokerTable", "WarmPathTree"]


class PairTable(NamedTuple):
    """Every staff-stakeholder pair that met: parallel columns, one entry per pair, by (stakeholder, staff)."""

    #: Staff node number.
    staff: list[int]
    #: Stakeholder node number.
    stakeholder: list[int]
    #: Number of meetings the two attended together.
    count: list[int]
    #: Meeting position of their first meeting.
    first: list[int]
    #: Meeting position of their latest meeting.
    last: list[int]
    #: Tie strength: the decayed, weighted sum over their meetings, in meeting order.
    strength: list[float]


class ClientPairTable(NamedTuple):
    """Every pair of stakeholders who attended a meeting with our staff together, ``a < b``, by (a, b)."""

    #: The smaller node number.
    a: list[int]
    #: The larger node number.
    b: list[int]
    #: Their strength, summed as for :class:`PairTable`.
    strength: list[float]


class TieTable(NamedTuple):
    """What :func:`~kamgraph.kernels.python.aggregate_ties` returns."""

    #: Staff-stakeholder pairs.
    pairs: PairTable
    #: Stakeholder pairs.
    client_pairs: ClientPairTable


class TieViews(NamedTuple):
    """What :func:`~kamgraph.kernels.python.tie_views` derives from a :class:`PairTable`."""

    #: Each active stakeholder's threads, ``(staff id, strength)``, strongest first (then by id).
    threads: dict[str, list[tuple[str, float]]]
    #: For every stakeholder who met any staff: the meeting position of their latest meeting.
    last: dict[str, int]
    #: Each active staff member's summed strength with active stakeholders.
    staff_strength: dict[str, float]


class EdgeLayout(NamedTuple):
    """A graph's merged links, laid out as CSR arrays (what :func:`~kamgraph.kernels.python.build_edges` returns).

    Node ``v``'s neighbours, ascending, are ``indices[indptr[v]:indptr[v + 1]]``;
    ``rev``, ``lengths``, ``masks`` and ``strengths`` run parallel to ``indices``.
    """

    #: Weak contacts (staff-stakeholder pairs below the thread threshold): ``(staff, stakeholder, strength)``,
    #: sorted.
    weak: list[tuple[int, int, float]]
    #: ``n + 1`` offsets into ``indices`` (``array('i')``).
    indptr: array
    #: Neighbours, row by row (``array('i')``).
    indices: array
    #: For each position (``v -> w``), the position of ``w -> v`` (``array('i')``).
    rev: array
    #: For each node, its only thread (staff node number), -1 for none or several (``array('i')``).
    sole: array
    #: Each link's distance: 1/strength, 1 where no strength is known (``array('d')``).
    lengths: array
    #: Each link's kind bits (:data:`kamgraph.graph.compact.KIND_BITS`) (``array('i')``).
    masks: array
    #: Each link's strength, -1 where none is known (``array('d')``).
    strengths: array


class BridgeTable(NamedTuple):
    """Links whose loss cuts stakeholders off from our team: parallel columns, in the order the search closes them."""

    #: The smaller node number.
    u: list[int]
    #: The larger node number.
    v: list[int]
    #: The stakeholders cut off, sorted.
    cut_off: list[list[int]]


class Impacts(NamedTuple):
    """What :func:`~kamgraph.kernels.python.impacts` returns: each node's removal impact, and more.

    The first four fields are columns by node number (see
    :mod:`kamgraph.analysis.fragility`); node lists are sorted, and the nodes
    whose departure costs nothing share one empty list.
    """

    #: Stakeholders who lose all their threads or every path to our team when the node leaves.
    lost: list[list[int]]
    #: Those whose every thread ran to the node.
    lost_threads: list[list[int]]
    #: Those left with no path to our team.
    lost_paths: list[list[int]]
    #: The lost stakeholders' summed importance over all active stakeholders' (rounded to 12 places; 0 when
    #: there is none).
    share: list[float]
    #: Every cut link (empty unless asked for).
    bridges: BridgeTable
    #: Stakeholders reachable from our team today.
    reach: set[int]


class BrokerTable(NamedTuple):
    """Stakeholders tied into two or more departments, with Burt's constraint: parallel columns, by node."""

    #: Stakeholder node number.
    node: list[int]
    #: Burt's constraint (unit tie weights) among stakeholders.
    constraint: list[float]
    #: Department numbers: those of its stakeholder neighbours other than its own, as met along its row,
    #: then its own (when it has one).
    departments: list[list[int]]


class WarmPathTree(NamedTuple):
    """Shortest-path tree from our team (what :func:`~kamgraph.kernels.python.warm_paths` returns)."""

    #: Each node's distance from the nearest staff member (``inf`` where unreachable).
    dist: list[float]
    #: Each node's predecessor on its warmest path (-1 for staff and unreachable nodes).
    prev: list[int]
