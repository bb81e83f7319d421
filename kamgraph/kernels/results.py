"""The named results the kernels return, the same for both implementations.

Every kernel of :mod:`kamgraph.kernels.python` and its compiled twin returns
one of these (or a plain list or int): tuples with named, documented fields,
so that callers read ``layout.indptr`` rather than the fourth item of an
8-tuple. They are :class:`typing.NamedTuple` subclasses: they unpack and
compare like the plain tuples they replace, and cost no more to build.

Node numbers are the kernels' integer node ids (staff first, see
:class:`kamgraph.graph.compact.CompactGraph`); "meeting positions" index the
meetings list given to :func:`~kamgraph.kernels.python.aggregate_ties`.

Examples
--------
>>> impact = NodeImpact(lost=[3, 4], lost_threads=[3], lost_paths=[4], share=0.5)
>>> impact.lost, impact.share
([3, 4], 0.5)
>>> lost, threads, paths, share = impact
>>> impact == ([3, 4], [3], [4], 0.5)
True
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

__all__ = ["PairTable", "ClientPairTable", "TieTable", "TieViews", "EdgeLayout", "NodeImpact", "Bridge",
           "Impacts", "BrokerScore", "WarmPathTree"]


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


class NodeImpact(NamedTuple):
    """What one node's departure costs (see :mod:`kamgraph.analysis.fragility`); node lists sorted."""

    #: Stakeholders who lose all their threads or every path to our team.
    lost: list[int]
    #: Those whose every thread ran to this node.
    lost_threads: list[int]
    #: Those left with no path to our team.
    lost_paths: list[int]
    #: Their summed importance over all active stakeholders' (rounded to 12 places; 0 when there is none).
    share: float


class Bridge(NamedTuple):
    """A link whose loss cuts stakeholders off from our team."""

    #: The smaller node number.
    u: int
    #: The larger node number.
    v: int
    #: The stakeholders cut off, sorted.
    cut_off: list[int]


class Impacts(NamedTuple):
    """What :func:`~kamgraph.kernels.python.impacts` returns."""

    #: Each node's removal impact, by node number (nodes whose departure costs nothing share one empty entry).
    nodes: list[NodeImpact]
    #: Every cut link, in the order the search closes them (empty unless asked for).
    bridges: list[Bridge]
    #: Stakeholders reachable from our team today.
    reach: set[int]


class BrokerScore(NamedTuple):
    """A stakeholder tied into two or more departments, with Burt's constraint in the stakeholder subgraph."""

    #: Stakeholder node number.
    node: int
    #: Burt's constraint (unit tie weights) among stakeholders.
    constraint: float
    #: Department numbers: those of its stakeholder neighbours other than its own, as met along its row,
    #: then its own (when it has one).
    departments: list[int]


class WarmPathTree(NamedTuple):
    """Shortest-path tree from our team (what :func:`~kamgraph.kernels.python.warm_paths` returns)."""

    #: Each node's distance from the nearest staff member (``inf`` where unreachable).
    dist: list[float]
    #: Each node's predecessor on its warmest path (-1 for staff and unreachable nodes).
    prev: list[int]
