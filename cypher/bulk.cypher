// Portfolio-wide reads: the snapshots of a chunk of accounts (Neo4jStore.load_accounts), one row per
// account. Values come flat and positional -- a list per record, in the column order of the constants
// next to Neo4jStore._load_chunk, dates as ISO text -- because what costs a portfolio read is the driver
// decoding: a map per record repeats its keys, a driver date is a Python object built per value, a row
// per record is a Python record per record. Only the properties a snapshot holds are read (not a
// user's own, nor the kg_ figures of analyze --write).

// name: bulk_people
// Per account of $ids: its properties, its stakeholders (people who left included; each [id, name,
// title, email, status, left_on, moved_to, note, department, seniority, buying_role, influence, attitude,
// verified, cadence_days, [[manager, line], ...]]), its team's staff ids, and the KNOWS / INFLUENCES ties
// with an end at one of its stakeholders ([source, target, type, weight]; a tie between two of them
// comes twice).
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN id AS account, properties(a) AS props,
       [(a)<-[:WORKS_AT]-(c:Stakeholder) |
        [c.id, c.name, c.title, c.email, c.status, toString(c.left_on), c.moved_to, c.note, c.department,
         c.seniority, c.buying_role, c.influence, c.attitude, c.verified, c.cadence_days,
         [(c)-[r:REPORTS_TO]->(m) WHERE m:Stakeholder | [m.id, r.line]]]] AS stakeholders,
       [(a)<-[:ON_TEAM]-(s:Staff) | s.id] AS team,
       [(a)<-[:WORKS_AT]-(:Stakeholder)-[t:KNOWS|INFLUENCES]-(:Person) |
        [startNode(t).id, endNode(t).id, type(t), t.weight]] AS ties

// name: bulk_meetings
// Per account of $ids: the meetings its stakeholders attended, up to $as_of unless it is null, each
// [id, date, kind, account, subject, source, source_id, [attendee, ...]] with the attendees the account
// sees -- its own stakeholders and our staff (not another account's people).
UNWIND $ids AS id
MATCH (:Account {id: id})<-[:WORKS_AT]-(:Stakeholder)-[:ATTENDED]->(m:Meeting)
WHERE $as_of IS NULL OR m.date <= $as_of
WITH DISTINCT id, m
RETURN id AS account,
       collect([m.id, toString(m.date), m.kind, m.account, m.subject, m.source, m.source_id,
                [(m)<-[:ATTENDED]-(p) WHERE p:Staff OR p.account = id | p.id]]) AS meetings

// name: bulk_staff
// Of these ids, the staff members that exist: [id, name, title, email, status, left_on, moved_to, note,
// team, role, [account, ...]] (the accounts whose team they are on).
UNWIND $ids AS id
MATCH (s:Person {id: id})
WHERE s:Staff
RETURN [s.id, s.name, s.title, s.email, s.status, toString(s.left_on), s.moved_to, s.note, s.team, s.role,
        [(s)-[:ON_TEAM]->(a:Account) | a.id]] AS staff
