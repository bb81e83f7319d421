# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled twins of kamgraph's hot analysis kernels.

Each public function here has a pure-Python twin of the same name and
signature in :mod:`kamgraph.kernels.python`, which defines what it computes
and documents its parameters; both return the same values, as the named
tuples of :mod:`kamgraph.kernels.results`. :mod:`kamgraph.kernels` binds this
module's functions when it was compiled (and ``KAMGRAPH_PURE_PYTHON`` is not
set), the twins otherwise; ``tests/test_kernels.py`` runs both on the same
inputs.

* :func:`aggregate_ties` and :func:`tie_views` -- tie strengths
  (:mod:`kamgraph.graph.strength`) for all pairs in one sort-and-reduce pass,
  and the threads, last contacts and staff strength derived from them;
* :func:`build_edges` -- the compact graph's merged links and CSR arrays
  (:meth:`kamgraph.graph.compact.CompactGraph.from_account`);
* :func:`impacts` and :func:`connectivity` -- removal impacts and vertex
  connectivity (:mod:`kamgraph.analysis.fragility`);
* :func:`team_betweenness` and :func:`brokers` -- the team's betweenness (hops)
  and brokers' constraint (:mod:`kamgraph.analysis.bridging`);
* :func:`warm_paths` -- warmest paths (:mod:`kamgraph.analysis.actions`).

Graphs arrive as CSR arrays (``indptr``, ``indices``: node ``v``'s
neighbours, ascending, are ``indices[indptr[v]:indptr[v + 1]]``) and ``rev``
(the position of the reverse of each directed edge).
"""

from array import array

from kamgraph.kernels.results import (
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

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from libc.math cimport pow
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
from libc.string cimport memset

__all__ = ["aggregate_ties", "tie_views", "build_edges", "impacts", "connectivity", "team_betweenness", "brokers",
           "warm_paths"]


# --------------------------------------------------------------------------- growable buffers
cdef struct Update:
    long long key
    int meeting
    double value


cdef struct Updates:
    Update* items
    Py_ssize_t size
    Py_ssize_t capacity


cdef int _push(Updates* buf, long long key, int meeting, double value) except -1:
    cdef Py_ssize_t capacity
    cdef Update* grown
    if buf.size == buf.capacity:
        capacity = buf.capacity * 2 if buf.capacity else 1024
        grown = <Update*>realloc(buf.items, capacity * sizeof(Update))
        if grown == NULL:
            raise MemoryError()
        buf.items = grown
        buf.capacity = capacity
    buf.items[buf.size].key = key
    buf.items[buf.size].meeting = meeting
    buf.items[buf.size].value = value
    buf.size += 1
    return 0


cdef int _sort_updates(Updates* buf, Py_ssize_t n) except -1:
    """Sort by key (``hi * n + lo``), keeping meeting order within a key: two stable counting passes."""
    cdef Update* spare
    cdef Py_ssize_t* count
    cdef Py_ssize_t k, digit, total, size = buf.size
    if size < 2:
        return 0
    spare = <Update*>malloc(size * sizeof(Update))
    count = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    if spare == NULL or count == NULL:
        free(spare)
        free(count)
        raise MemoryError()
    memset(count, 0, (n + 1) * sizeof(Py_ssize_t))
    for k in range(size):
        count[buf.items[k].key % n + 1] += 1
    for digit in range(n):
        count[digit + 1] += count[digit]
    for k in range(size):
        digit = buf.items[k].key % n
        spare[count[digit]] = buf.items[k]
        count[digit] += 1
    memset(count, 0, (n + 1) * sizeof(Py_ssize_t))
    for k in range(size):
        count[spare[k].key // n + 1] += 1
    for digit in range(n):
        count[digit + 1] += count[digit]
    for k in range(size):
        digit = spare[k].key // n
        buf.items[count[digit]] = spare[k]
        count[digit] += 1
    free(spare)
    free(count)
    return 0


cdef struct Run:
    long long key
    Py_ssize_t count
    int first
    int last
    double value


cdef Py_ssize_t _sum_runs(Updates* buf, Py_ssize_t n, Run** out) except -1:
    """Sort the updates, then sum each key's run in meeting order into ``*out``; return how many runs."""
    cdef Py_ssize_t start = 0, end, count = 0
    cdef double value
    _sort_updates(buf, n)
    out[0] = <Run*>malloc((buf.size + 1) * sizeof(Run))
    if out[0] == NULL:
        raise MemoryError()
    while start < buf.size:
        end = start + 1
        value = buf.items[start].value
        while end < buf.size and buf.items[end].key == buf.items[start].key:
            value += buf.items[end].value
            end += 1
        out[0][count].key = buf.items[start].key
        out[0][count].count = end - start
        out[0][count].first = buf.items[start].meeting
        out[0][count].last = buf.items[end - 1].meeting
        out[0][count].value = value
        count += 1
        start = end
    return count


# --------------------------------------------------------------------------- tie strengths
cdef inline object _field(object record, dict fields, str name):
    """``record.<name>``, from its ``__dict__`` when there (a pydantic model keeps its fields there)."""
    cdef PyObject* found = PyDict_GetItem(fields, name)
    if found != NULL:
        return <object>found
    return getattr(record, name)


def aggregate_ties(list meetings, dict index, const unsigned char[::1] is_staff, long as_of, double half_life,
                   dict weights, int full_size=0, list days=None):
    """Every staff-stakeholder pair and stakeholder pair that met, summed in meeting order.

    Parameters
    ----------
    meetings : list of Meeting
        Sorted by date (then id).
    index : dict
        Person id -> node number; attendees not in it are ignored.
    is_staff : bytes
        1 for staff, per node number.
    as_of : int
        The as-of date's ordinal; later meetings are ignored.
    half_life : float
        Days.
    weights : dict
        Meeting kind -> weight.
    full_size : int
        Attendees up to which a meeting counts fully; a bigger one counts ``full_size / n`` (0: always fully).
    days : list of int, optional
        With it, ``meetings`` are a store's packed rows (date, id, account, kind, subject, source, source id,
        "attendee,attendee,...") and ``days[k]`` is the ordinal of row ``k``'s date.

    Returns
    -------
    TieTable or None
        None when ``meetings`` are not sorted by (date, id); else the
        :class:`PairTable` ordered by (stakeholder, staff) and the
        :class:`ClientPairTable` (``a < b``) ordered by (a, b). Meeting
        positions index ``meetings``.
    """
    cdef Py_ssize_t n = is_staff.shape[0]
    cdef Py_ssize_t n_meetings = len(meetings)
    cdef int* stamp = <int*>calloc(n + 1, sizeof(int))
    cdef int* ours = <int*>malloc((n + 1) * sizeof(int))
    cdef int* theirs = <int*>malloc((n + 1) * sizeof(int))
    cdef Updates ups
    cdef Updates cps
    cdef Py_ssize_t mi, k, j, n_ours, n_theirs, size
    cdef int i, a, b, tmp
    cdef long day
    cdef double value
    cdef PyObject* found
    cdef Run* runs = NULL
    cdef Py_ssize_t run_count
    cdef PyObject* kind_objects[16]
    cdef double kind_weights[16]
    cdef double weight
    cdef int n_kinds = 0
    cdef long previous_day = -1
    previous_id = ""
    kept = []  # holds the kinds whose addresses are cached
    ups.items = NULL
    ups.size = ups.capacity = 0
    cps.items = NULL
    cps.size = cps.capacity = 0
    cdef list p_staff = [], p_client = [], p_count = [], p_first = [], p_last = [], p_strength = []
    cdef list c_a = [], c_b = [], c_strength = []
    try:
        if stamp == NULL or ours == NULL or theirs == NULL:
            raise MemoryError()
        for mi in range(n_meetings):
            meeting = meetings[mi]
            if days is not None:  # a packed row: its fields by position, its date's ordinal given
                day = days[mi]
                meeting_id = meeting[1]
                attendees = (<str>meeting[7]).split(",")
            else:
                fields = getattr(meeting, "__dict__", None)  # a model's fields, read without its attribute hooks
                if type(fields) is not dict:
                    fields = {"date": meeting.date, "id": meeting.id, "attendees": meeting.attendees,
                              "kind": meeting.kind}
                day = _field(meeting, <dict>fields, "date").toordinal()
                meeting_id = _field(meeting, <dict>fields, "id")
                attendees = _field(meeting, <dict>fields, "attendees")
            if day < previous_day:
                return None
            if day == previous_day:
                if meeting_id < previous_id:
                    return None
            previous_day = day
            previous_id = meeting_id
            if day > as_of:
                continue
            n_ours = n_theirs = 0
            size = len(attendees)
            for person in attendees:
                found = PyDict_GetItem(index, person)
                if found == NULL:
                    continue
                i = <int>(<object>found)
                if stamp[i] == mi + 1:
                    continue
                stamp[i] = mi + 1
                if is_staff[i]:
                    ours[n_ours] = i
                    n_ours += 1
                else:
                    theirs[n_theirs] = i
                    n_theirs += 1
            if n_ours == 0 or n_theirs == 0:
                continue
            kind = meeting[3] if days is not None else _field(meeting, <dict>fields, "kind")
            for k in range(n_kinds):  # the weight of this kind, found by identity (kinds are enum members)
                if kind_objects[k] == <PyObject*>kind:
                    weight = kind_weights[k]
                    break
            else:
                weight = float(weights.get(kind, 0.0))
                if n_kinds < 16:
                    kind_objects[n_kinds] = <PyObject*>kind
                    kind_weights[n_kinds] = weight
                    n_kinds += 1
                    kept.append(kind)
            value = weight * pow(2.0, -(<double>max(as_of - day, 0)) / half_life)
            if 0 < full_size < size:
                value = value * full_size / size
            for k in range(n_theirs):
                for j in range(n_ours):
                    _push(&ups, <long long>theirs[k] * n + ours[j], <int>mi, value)
            if n_theirs > 1:
                for k in range(1, n_theirs):  # insertion sort: a handful of people
                    tmp = theirs[k]
                    j = k - 1
                    while j >= 0 and theirs[j] > tmp:
                        theirs[j + 1] = theirs[j]
                        j -= 1
                    theirs[j + 1] = tmp
                for k in range(n_theirs):
                    for j in range(k + 1, n_theirs):
                        _push(&cps, <long long>theirs[k] * n + theirs[j], <int>mi, value)
        run_count = _sum_runs(&ups, n, &runs)
        for k in range(run_count):
            p_staff.append(<int>(runs[k].key % n))
            p_client.append(<int>(runs[k].key // n))
            p_count.append(runs[k].count)
            p_first.append(runs[k].first)
            p_last.append(runs[k].last)
            p_strength.append(runs[k].value)
        free(runs)
        runs = NULL
        run_count = _sum_runs(&cps, n, &runs)
        for k in range(run_count):
            c_a.append(<int>(runs[k].key // n))
            c_b.append(<int>(runs[k].key % n))
            c_strength.append(runs[k].value)
    finally:
        free(stamp)
        free(ours)
        free(theirs)
        free(ups.items)
        free(cps.items)
        free(runs)
    return TieTable(PairTable(p_staff, p_client, p_count, p_first, p_last, p_strength),
                    ClientPairTable(c_a, c_b, c_strength))


def tie_views(object pairs, list ids, Py_ssize_t n_staff, Py_ssize_t n, double threshold):
    """Threads, last contact and staff strength from :func:`aggregate_ties`' pairs.

    Node numbers below ``n_staff`` are active staff, ``n_staff..n-1`` active
    stakeholders, the rest people who left. Returns :class:`TieViews`:
    ``threads`` maps each active stakeholder's id to its active staff at or above
    ``threshold`` as ``(staff id, strength)``, strongest first (then by id);
    ``last`` maps every stakeholder who met any staff to the position of their
    latest meeting; ``staff_strength`` sums each active staff member's
    strength with active stakeholders (in pair order).
    """
    cdef list ps = pairs[0], pc = pairs[1], lasts = pairs[4], strengths = pairs[5]
    cdef Py_ssize_t k, m = len(ps), run_start, a, b
    cdef int s, c, previous = -1, last_meeting
    cdef double value
    cdef double* totals = <double*>calloc(n_staff + 1, sizeof(double))
    cdef unsigned char* touched = <unsigned char*>calloc(n_staff + 1, 1)
    threads = {}
    last = {}
    staff_strength = {}
    try:
        if totals == NULL or touched == NULL:
            raise MemoryError()
        k = 0
        while k < m:
            c = pc[k]
            run_start = k
            last_meeting = lasts[k]
            chosen = None
            while k < m and <int>pc[k] == c:
                s = ps[k]
                if <int>lasts[k] > last_meeting:
                    last_meeting = lasts[k]
                if s < n_staff and c < n:
                    value = strengths[k]
                    totals[s] += value
                    touched[s] = 1
                    if value >= threshold:
                        if chosen is None:
                            chosen = []
                        chosen.append((-value, s))
                k += 1
            last[ids[c]] = last_meeting
            if chosen is not None:
                chosen.sort()
                threads[ids[c]] = [(ids[t[1]], -t[0]) for t in chosen]
        for s in range(n_staff):
            if touched[s]:
                staff_strength[ids[s]] = totals[s]
    finally:
        free(totals)
        free(touched)
    return TieViews(threads, last, staff_strength)


# --------------------------------------------------------------------------- the compact graph
cdef struct EdgeRecord:
    long long key
    int mask
    double strength


cdef int _by_edge_key(const void* a, const void* b) noexcept nogil:
    cdef const EdgeRecord* x = <const EdgeRecord*>a
    cdef const EdgeRecord* y = <const EdgeRecord*>b
    return (x.key > y.key) - (x.key < y.key)


def build_edges(Py_ssize_t n, Py_ssize_t n_staff, object pairs, object client_pairs, double threshold,
                list extra_u, list extra_v, list extra_mask):
    """Merge every link of the account graph and lay out its adjacency.

    Links: thread pairs (strength at or above ``threshold``; weaker staff
    pairs become weak contacts), stakeholder pairs who met at or above the
    threshold (kind bit 5, "met"), and ``extra`` links (relationships and
    reporting lines, with kind bit masks). Pairs with a node ``>= n`` (people
    who left) are dropped. A pair linked several ways keeps every kind (in
    bit order) and its largest strength.

    Returns
    -------
    EdgeLayout
        The weak contacts and the CSR arrays, with ``sole[c]`` the only thread
        of ``c`` (-1 for none or several) and each CSR position's distance,
        kind bits and strength (-1 for none).
    """
    cdef list ps = pairs[0], pc = pairs[1], pstrength = pairs[5]
    cdef list ca = client_pairs[0], cb = client_pairs[1], cstrength = client_pairs[2]
    cdef Py_ssize_t total = len(ps) + len(ca) + len(extra_u)
    cdef EdgeRecord* records = <EdgeRecord*>malloc((total + 1) * sizeof(EdgeRecord))
    cdef int* weak_at = <int*>malloc((len(ps) + 1) * sizeof(int))
    cdef int* weak_order = <int*>malloc((len(ps) + 1) * sizeof(int))
    cdef int* per_staff = <int*>calloc(n_staff + 2, sizeof(int))
    cdef Py_ssize_t count = 0, k, j, m, v, n_weak = 0
    cdef int a, b, tmp
    cdef double value
    if records == NULL or weak_at == NULL or weak_order == NULL or per_staff == NULL:
        free(records)
        free(weak_at)
        free(weak_order)
        free(per_staff)
        raise MemoryError()
    try:
        for k in range(len(ps)):
            a = ps[k]
            b = pc[k]
            if a >= n_staff or b >= n:
                continue
            value = pstrength[k]
            if value >= threshold:
                records[count].key = <long long>a * n + b
                records[count].mask = 1
                records[count].strength = value
                count += 1
            else:
                weak_at[n_weak] = k
                n_weak += 1
                per_staff[a + 1] += 1
        for k in range(len(ca)):
            a = ca[k]
            b = cb[k]
            value = cstrength[k]
            if a < n and b < n and value >= threshold:
                records[count].key = <long long>a * n + b
                records[count].mask = 32
                records[count].strength = value
                count += 1
        for k in range(len(extra_u)):
            a = extra_u[k]
            b = extra_v[k]
            if a > b:
                tmp = a
                a = b
                b = tmp
            records[count].key = <long long>a * n + b
            records[count].mask = extra_mask[k]
            records[count].strength = -1.0
            count += 1
        qsort(records, count, sizeof(EdgeRecord), _by_edge_key)
        m = 0  # merge runs of one pair in place
        for k in range(count):
            if m and records[m - 1].key == records[k].key:
                records[m - 1].mask |= records[k].mask
                if records[k].strength > records[m - 1].strength:
                    records[m - 1].strength = records[k].strength
            else:
                records[m] = records[k]
                m += 1
        indptr = array("i", bytes(4 * (n + 1)))
        indices = array("i", bytes(4 * 2 * m))
        rev = array("i", bytes(4 * 2 * m))
        sole = array("i", [-1]) * n
        _layout(records, m, n, n_staff, indptr, indices, rev, sole)
        lengths = array("d", bytes(8 * 2 * m))
        masks = array("i", bytes(4 * 2 * m))
        strengths = array("d", bytes(8 * 2 * m))
        _fill_positions(records, m, n, indptr, lengths, masks, strengths)
        # weak contacts by (staff, stakeholder): pairs come by stakeholder, so bucket them by staff
        for k in range(n_staff):
            per_staff[k + 1] += per_staff[k]
        for k in range(n_weak):
            a = ps[weak_at[k]]
            weak_order[per_staff[a]] = weak_at[k]
            per_staff[a] += 1
        weak = [(ps[weak_order[k]], pc[weak_order[k]], pstrength[weak_order[k]]) for k in range(n_weak)]
    finally:
        free(records)
        free(weak_at)
        free(weak_order)
        free(per_staff)
    return EdgeLayout(weak, indptr, indices, rev, sole, lengths, masks, strengths)


cdef void _layout(EdgeRecord* records, Py_ssize_t m, Py_ssize_t n, Py_ssize_t n_staff, int[::1] indptr,
                  int[::1] indices, int[::1] rev, int[::1] sole):
    cdef Py_ssize_t k, v
    cdef int a, b, pa, pb
    cdef int* fill = <int*>calloc(n + 1, sizeof(int))
    cdef int* threads = <int*>calloc(n + 1, sizeof(int))
    for k in range(m):
        indptr[<int>(records[k].key // n) + 1] += 1
        indptr[<int>(records[k].key % n) + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
        fill[v] = indptr[v]
    for k in range(m):
        a = <int>(records[k].key // n)
        b = <int>(records[k].key % n)
        pa = fill[a]
        pb = fill[b]
        fill[a] += 1
        fill[b] += 1
        indices[pa] = b
        indices[pb] = a
        rev[pa] = pb
        rev[pb] = pa
        if records[k].mask & 1 and a < n_staff <= b:
            threads[b] += 1
            sole[b] = a if threads[b] == 1 else -1
    free(fill)
    free(threads)


cdef void _fill_positions(EdgeRecord* records, Py_ssize_t m, Py_ssize_t n, int[::1] indptr, double[::1] lengths,
                          int[::1] masks, double[::1] strengths):
    """Each CSR position's distance 1/strength (1 without one), kind bits and strength, as ``_layout`` placed them."""
    cdef Py_ssize_t k
    cdef int a, b
    cdef double d
    cdef int* fill = <int*>calloc(n + 1, sizeof(int))
    for k in range(n):
        fill[k] = indptr[k]
    for k in range(m):
        a = <int>(records[k].key // n)
        b = <int>(records[k].key % n)
        d = 1.0 / records[k].strength if records[k].strength > 0 else 1.0
        lengths[fill[a]] = d
        lengths[fill[b]] = d
        masks[fill[a]] = records[k].mask
        masks[fill[b]] = records[k].mask
        strengths[fill[a]] = records[k].strength
        strengths[fill[b]] = records[k].strength
        fill[a] += 1
        fill[b] += 1
    free(fill)


# --------------------------------------------------------------------------- fragility
def impacts(Py_ssize_t n, Py_ssize_t n_staff, const int[::1] indptr, const int[::1] indices,
            const int[::1] sole, list importance, bint want_bridges):
    """Every node's removal impact from one depth-first search.

    Returns :class:`Impacts`: per node, ``lost``, ``lost_threads`` and
    ``lost_paths`` (sorted lists; one shared empty list for the nodes whose
    departure costs nothing) and ``share``; ``bridges``, a
    :class:`BridgeTable` of the cut edges (only when ``want_bridges``);
    ``reach``, the stakeholders reachable from the team.
    """
    cdef Py_ssize_t size_n = n + 1
    cdef int* disc = <int*>malloc(size_n * sizeof(int))
    cdef int* low = <int*>malloc(size_n * sizeof(int))
    cdef int* parent = <int*>malloc(size_n * sizeof(int))
    cdef int* size = <int*>malloc(size_n * sizeof(int))
    cdef int* order = <int*>malloc(size_n * sizeof(int))
    cdef int* stack = <int*>malloc(size_n * sizeof(int))
    cdef int* pos = <int*>malloc(size_n * sizeof(int))
    cdef int* cut_parent = <int*>malloc(size_n * sizeof(int))  # v's parent when v's subtree hangs on it
    cdef int* stamp = <int*>calloc(size_n, sizeof(int))
    cdef int* buffer = <int*>malloc(size_n * sizeof(int))
    cdef unsigned char* affected = <unsigned char*>calloc(size_n, 1)
    cdef int source = <int>n, clock = 1, top, v, pv, w, p, end, olen = 1, x, count, k, j, tmp
    cdef int n_threads, start
    cdef bint advanced
    cdef double total = 0.0, lost_weight
    cdef list lost_at, threads_at, paths_at, share_at
    cdef list bridge_u = [], bridge_v = [], bridge_cut = []
    reach = set()
    try:
        if (disc == NULL or low == NULL or parent == NULL or size == NULL or order == NULL or stack == NULL
                or pos == NULL or cut_parent == NULL or stamp == NULL or buffer == NULL or affected == NULL):
            raise MemoryError()
        for v in range(size_n):
            disc[v] = -1
            low[v] = 0
            parent[v] = -1
            size[v] = 1
            cut_parent[v] = -1
        disc[source] = 0
        order[0] = source
        stack[0] = source
        pos[source] = 0
        top = 1
        while top:
            v = stack[top - 1]
            pv = parent[v]
            advanced = False
            if v == source:
                end = <int>n_staff
            else:
                end = indptr[v + 1]
            while pos[v] < end:
                w = pos[v] if v == source else indices[pos[v]]
                pos[v] += 1
                if disc[w] == -1:
                    parent[w] = v
                    disc[w] = clock
                    low[w] = 0 if (w < n_staff and v != source) else clock
                    clock += 1
                    order[olen] = w
                    olen += 1
                    pos[w] = indptr[w]
                    stack[top] = w
                    top += 1
                    advanced = True
                    break
                if w != pv and disc[w] < low[v]:
                    low[v] = disc[w]
            if advanced:
                continue
            top -= 1
            if pv >= 0:
                if low[v] < low[pv]:
                    low[pv] = low[v]
                size[pv] += size[v]
                if pv != source and low[v] >= disc[pv]:
                    cut_parent[v] = pv
                    affected[pv] = 1
                    if want_bridges and low[v] > disc[pv]:
                        start = disc[v]
                        cut_off = [order[k] for k in range(start, start + size[v]) if order[k] >= n_staff]
                        if cut_off:
                            cut_off.sort()
                            bridge_u.append(min(pv, v))
                            bridge_v.append(max(pv, v))
                            bridge_cut.append(cut_off)
        for k in range(1, olen):
            if order[k] >= n_staff:
                reach.add(order[k])
        for k in range(n_staff, n):
            total += importance[k]
            if sole[k] >= 0 and disc[k] != -1:
                affected[sole[k]] = 1
        # Children whose subtree hangs on their parent, grouped by parent.
        nothing = []
        lost_at = [nothing] * n
        threads_at = [nothing] * n
        paths_at = [nothing] * n
        share_at = [0.0] * n
        for v in range(n):
            if not affected[v]:
                continue
            count = 0
            for k in range(1, olen):  # cut children of v, in discovery order
                w = order[k]
                if cut_parent[w] != v:
                    continue
                for j in range(disc[w], disc[w] + size[w]):
                    x = order[j]
                    if x >= n_staff and stamp[x] != v + 1:
                        stamp[x] = v + 1
                        buffer[count] = x
                        count += 1
            paths = sorted([buffer[k] for k in range(count)])
            threads = [k for k in range(n_staff, n) if sole[k] == v and disc[k] != -1]
            for x in threads:
                if stamp[x] != v + 1:
                    stamp[x] = v + 1
                    buffer[count] = x
                    count += 1
            lost = sorted([buffer[k] for k in range(count) if buffer[k] != v])
            lost_weight = 0.0
            for x in lost:
                lost_weight += importance[x]
            lost_at[v] = lost
            threads_at[v] = threads
            paths_at[v] = paths
            share_at[v] = round(lost_weight / total, 12) if total else 0.0
    finally:
        free(disc)
        free(low)
        free(parent)
        free(size)
        free(order)
        free(stack)
        free(pos)
        free(cut_parent)
        free(stamp)
        free(buffer)
        free(affected)
    return Impacts(lost_at, threads_at, paths_at, share_at, BridgeTable(bridge_u, bridge_v, bridge_cut), reach)


def connectivity(Py_ssize_t n, Py_ssize_t n_staff, const int[::1] indptr, const int[::1] indices,
                 const int[::1] rev, int target, int cap):
    """Vertex connectivity between the team and ``target``, counted up to ``cap`` (``cap < 0``: no cap)."""
    cdef int bound, found = 0, s, u, v, w, e, e2, state, nxt, x, y, goal, head, tail, before
    cdef int degree = indptr[target + 1] - indptr[target]
    cdef Py_ssize_t m = indptr[n]
    cdef unsigned char* used
    cdef unsigned char* sink_used
    cdef unsigned char* flow  # per directed CSR edge: a path runs along it (stakeholder -> team)
    cdef int* prev
    cdef int* prev_edge
    cdef int* queue
    if target < n_staff:
        return n_staff if cap < 0 else min(cap, n_staff)
    bound = min(degree, <int>n_staff)
    if cap >= 0:
        bound = min(bound, cap)
    if bound == 0:
        return 0
    used = <unsigned char*>calloc(n + 1, 1)
    sink_used = <unsigned char*>calloc(n + 1, 1)
    flow = <unsigned char*>calloc(m + 1, 1)
    prev = <int*>malloc((2 * n + 2) * sizeof(int))
    prev_edge = <int*>malloc((2 * n + 2) * sizeof(int))
    queue = <int*>malloc((2 * n + 2) * sizeof(int))
    try:
        if used == NULL or sink_used == NULL or flow == NULL or prev == NULL or prev_edge == NULL or queue == NULL:
            raise MemoryError()
        for e in range(indptr[target], indptr[target + 1]):  # direct ties: t -> s -> team
            s = indices[e]
            if s < n_staff and found < bound:
                flow[e] = 1
                used[s] = 1
                sink_used[s] = 1
                found += 1
        for e in range(indptr[target], indptr[target + 1]):  # two steps: t -> u -> s -> team
            u = indices[e]
            if u < n_staff or used[u] or found >= bound:
                continue
            for e2 in range(indptr[u], indptr[u + 1]):
                s = indices[e2]
                if s < n_staff and not used[s]:
                    flow[e] = 1
                    flow[e2] = 1
                    used[u] = 1
                    used[s] = 1
                    sink_used[s] = 1
                    found += 1
                    break
        while found < bound:
            # States: 2v = v_in, 2v + 1 = v_out; the search starts on the target's out side.
            for x in range(2 * n + 2):
                prev[x] = -2
            state = 2 * target + 1
            prev[state] = -1
            queue[0] = state
            head = 0
            tail = 1
            goal = -1
            while head < tail:
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
                            if prev[nxt] == -2 and w != target:
                                prev[nxt] = state
                                prev_edge[nxt] = e
                                queue[tail] = nxt
                                tail += 1
                    if used[v] and v != target:
                        nxt = 2 * v
                        if prev[nxt] == -2:
                            prev[nxt] = state
                            prev_edge[nxt] = -1
                            queue[tail] = nxt
                            tail += 1
                else:
                    if not used[v]:
                        nxt = 2 * v + 1
                        if prev[nxt] == -2:
                            prev[nxt] = state
                            prev_edge[nxt] = -1
                            queue[tail] = nxt
                            tail += 1
                    for e in range(indptr[v], indptr[v + 1]):
                        if flow[rev[e]]:
                            nxt = 2 * indices[e] + 1
                            if prev[nxt] == -2:
                                prev[nxt] = state
                                prev_edge[nxt] = rev[e]
                                queue[tail] = nxt
                                tail += 1
            if goal < 0:
                break
            found += 1
            sink_used[goal >> 1] = 1
            state = goal
            while prev[state] >= 0:
                before = prev[state]
                x = before >> 1
                y = state >> 1
                if before & 1:
                    if x == y:
                        used[x] = 0  # stepped back through a used person
                    else:
                        flow[prev_edge[state]] = 1
                elif x == y:
                    used[x] = 1
                else:
                    flow[prev_edge[state]] = 0  # cancelled a path that ran y -> x
                state = before
    finally:
        free(used)
        free(sink_used)
        free(flow)
        free(prev)
        free(prev_edge)
        free(queue)
    return found


# --------------------------------------------------------------------------- bridging
def team_betweenness(Py_ssize_t n, Py_ssize_t n_staff, const int[::1] indptr, const int[::1] indices):
    """Share of shortest (hop) team-to-stakeholder paths through each node."""
    cdef double* sigma = <double*>calloc(n + 1, sizeof(double))
    cdef double* dist = <double*>malloc((n + 1) * sizeof(double))
    cdef double* delta = <double*>calloc(n + 1, sizeof(double))
    cdef int* order = <int*>malloc((n + 1) * sizeof(int))
    cdef int head = 0, tail = 0, v, w, e, k, targets = 0
    cdef double dv, sv, dw, coeff, sw
    try:
        if sigma == NULL or dist == NULL or delta == NULL or order == NULL:
            raise MemoryError()
        for v in range(n):
            dist[v] = -1.0
        for v in range(n_staff):
            sigma[v] = 1.0
            dist[v] = 1.0
            order[tail] = v
            tail += 1
        while head < tail:
            v = order[head]
            head += 1
            dv = dist[v] + 1.0
            sv = sigma[v]
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv
                    sigma[w] = sv
                    order[tail] = w
                    tail += 1
                elif dw == dv:
                    sigma[w] += sv
        for k in range(tail - 1, -1, -1):
            w = order[k]
            coeff = (1.0 if w >= n_staff else 0.0) + delta[w]
            sw = sigma[w]
            for e in range(indptr[w], indptr[w + 1]):
                v = indices[e]
                if dist[v] >= 0 and dist[v] + 1.0 == dist[w]:
                    delta[v] += sigma[v] / sw * coeff
            if w >= n_staff:
                targets += 1
        if targets:
            return [delta[v] / targets for v in range(n)]
        return [delta[v] for v in range(n)]
    finally:
        free(sigma)
        free(dist)
        free(delta)
        free(order)


def brokers(Py_ssize_t n, Py_ssize_t n_staff, const int[::1] indptr, const int[::1] indices,
            const int[::1] department, Py_ssize_t n_departments):
    """Stakeholders tied into two or more departments, with Burt's constraint on the stakeholder subgraph.

    ``department[v]`` is a department number (0: none). Returns the
    :class:`BrokerTable` of every stakeholder whose stakeholder neighbours
    sit in another department than theirs and, counting their own when they
    have one, in at least two.
    """
    cdef int* degree = <int*>calloc(n + 1, sizeof(int))
    cdef int* mark = <int*>calloc(n + 1, sizeof(int))
    cdef int* seen = <int*>calloc(n_departments + 1, sizeof(int))
    cdef int v, w, q, e, e2, own, d, count
    cdef double p, indirect, local, total
    cdef list found_node = [], found_constraint = [], found_departments = []
    try:
        if degree == NULL or mark == NULL or seen == NULL:
            raise MemoryError()
        for v in range(n_staff, n):
            for e in range(indptr[v], indptr[v + 1]):
                if indices[e] >= n_staff:
                    degree[v] += 1
        for v in range(n_staff, n):
            own = department[v]
            depts = []
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                d = department[w]
                if w >= n_staff and d and d != own and seen[d] != v + 1:
                    seen[d] = v + 1
                    depts.append(d)
            if depts and own:
                depts.append(own)
            if len(depts) < 2:
                continue
            p = 1.0 / degree[v]
            for e in range(indptr[v], indptr[v + 1]):
                if indices[e] >= n_staff:
                    mark[indices[e]] = v + 1
            total = 0.0
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                if w < n_staff:
                    continue
                indirect = 0.0
                for e2 in range(indptr[w], indptr[w + 1]):
                    q = indices[e2]
                    if q >= n_staff and mark[q] == v + 1:
                        indirect += p / degree[q]
                local = p + indirect
                total += local * local
            found_node.append(v)
            found_constraint.append(total)
            found_departments.append(depts)
    finally:
        free(degree)
        free(mark)
        free(seen)
    return BrokerTable(found_node, found_constraint, found_departments)


# --------------------------------------------------------------------------- warm paths
cdef struct HeapItem:
    double dist
    int node


cdef inline bint _before(HeapItem a, HeapItem b) noexcept nogil:
    return a.dist < b.dist or (a.dist == b.dist and a.node < b.node)


cdef void _heap_push(HeapItem* heap, Py_ssize_t* size, double dist, int node) noexcept nogil:
    cdef Py_ssize_t i = size[0], parent
    cdef HeapItem item
    item.dist = dist
    item.node = node
    size[0] += 1
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(item, heap[parent]):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = item


cdef HeapItem _heap_pop(HeapItem* heap, Py_ssize_t* size) noexcept nogil:
    cdef HeapItem top = heap[0], last
    cdef Py_ssize_t i = 0, child, n
    size[0] -= 1
    n = size[0]
    if n == 0:
        return top
    last = heap[n]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _before(heap[child + 1], heap[child]):
            child += 1
        if not _before(heap[child], last):
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last
    return top


def warm_paths(Py_ssize_t n, Py_ssize_t n_staff, const int[::1] indptr, const int[::1] indices,
               const double[::1] lengths, list weak):
    """Dijkstra from all staff at once over the links and the weak contacts.

    ``weak`` holds ``(staff, stakeholder, strength)``; a weak contact's
    distance is 1/strength (1e9 without strength), tried after a node's links,
    in ``weak`` order. Returns :class:`WarmPathTree` (``inf`` and -1 where unreachable).
    """
    cdef Py_ssize_t n_weak = len(weak), k, e
    cdef int* weak_ptr = <int*>calloc(n + 1, sizeof(int))
    cdef int* weak_to = <int*>malloc((2 * n_weak + 1) * sizeof(int))
    cdef double* weak_len = <double*>malloc((2 * n_weak + 1) * sizeof(double))
    cdef int* fill = <int*>malloc((n + 1) * sizeof(int))
    cdef double* dist = <double*>malloc((n + 1) * sizeof(double))
    cdef int* prev = <int*>malloc((n + 1) * sizeof(int))
    cdef unsigned char* done = <unsigned char*>calloc(n + 1, 1)
    cdef HeapItem* heap = <HeapItem*>malloc((2 * (indptr[n] + 2 * n_weak) + n + 1) * sizeof(HeapItem))
    cdef Py_ssize_t size = 0
    cdef int s, c, v, w
    cdef double d, nd, strength, inf = float("inf")
    cdef HeapItem top
    try:
        if (weak_ptr == NULL or weak_to == NULL or weak_len == NULL or fill == NULL or dist == NULL
                or prev == NULL or done == NULL or heap == NULL):
            raise MemoryError()
        for k in range(n_weak):
            s, c, _ = weak[k]
            weak_ptr[s + 1] += 1
            weak_ptr[c + 1] += 1
        for v in range(n):
            weak_ptr[v + 1] += weak_ptr[v]
            fill[v] = weak_ptr[v]
        for k in range(n_weak):
            s, c, strength = weak[k]
            d = 1.0 / strength if strength > 0 else 1e9
            weak_to[fill[s]] = c
            weak_len[fill[s]] = d
            fill[s] += 1
            weak_to[fill[c]] = s
            weak_len[fill[c]] = d
            fill[c] += 1
        for v in range(n):
            dist[v] = inf
            prev[v] = -1
        for v in range(n_staff):
            dist[v] = 0.0
            _heap_push(heap, &size, 0.0, v)
        while size:
            top = _heap_pop(heap, &size)
            v = top.node
            d = top.dist
            if done[v] or d > dist[v]:
                continue
            done[v] = 1
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                nd = d + lengths[e]
                if nd < dist[w] - 1e-12:
                    dist[w] = nd
                    prev[w] = v
                    _heap_push(heap, &size, nd, w)
            for e in range(weak_ptr[v], weak_ptr[v + 1]):
                w = weak_to[e]
                nd = d + weak_len[e]
                if nd < dist[w] - 1e-12:
                    dist[w] = nd
                    prev[w] = v
                    _heap_push(heap, &size, nd, w)
        return WarmPathTree([dist[v] for v in range(n)], [prev[v] for v in range(n)])
    finally:
        free(weak_ptr)
        free(weak_to)
        free(weak_len)
        free(fill)
        free(dist)
        free(prev)
        free(done)
        free(heap)
