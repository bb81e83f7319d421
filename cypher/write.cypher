// Writes of an import. All run inside one managed write transaction per import, in batches of rows
// (UNWIND $rows). Dates arrive as ISO text (YYYY-MM-DD: cheaper to send than driver date values) and
// are stored as Cypher dates with date(). "create_*" statements are used only for ids that the same transaction found missing;
// "update_*" ones replace every property of records it found. Link statements return how many links
// they made, so that a reference to a missing node is noticed and the transaction rolled back.

// name: existing_kinds
// Which kinds of records the store holds already (a first import need not look up stored versions).
RETURN EXISTS { MATCH (:Account) } AS accounts,
       EXISTS { MATCH (:Staff) } AS staff,
       EXISTS { MATCH (:Stakeholder) } AS stakeholders,
       EXISTS { MATCH (:Meeting) } AS meetings

// name: create_accounts
// New accounts, one per row (the row is the node's complete property map).
UNWIND $rows AS row
CREATE (a:Account)
SET a = row
RETURN count(a) AS written

// name: update_accounts
// Set every kamgraph property of existing accounts (a row holds all of them; null removes one). Other
// properties -- a user's own, the kg_ figures of analyze --write, the pull's sources -- stay.
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
SET a += row
RETURN count(a) AS written

// name: create_staff
// New staff members (labels Person and Staff).
UNWIND $rows AS row
CREATE (s:Person:Staff)
SET s = row, s.left_on = date(row.left_on)
RETURN count(s) AS written

// name: create_stakeholders
// New client stakeholders (labels Person and Stakeholder), each linked to its account (WORKS_AT); a
// row whose account does not exist writes nothing, which the count returned shows.
UNWIND $rows AS row
MATCH (a:Account {id: row.account})
CREATE (c:Person:Stakeholder)
SET c = row.props, c.left_on = date(row.props.left_on)
CREATE (c)-[:WORKS_AT]->(a)
RETURN count(c) AS written

// name: update_people
// Set every kamgraph property of existing staff members or stakeholders (a row holds all of them; null
// removes one); labels and other properties (a user's own, kg_ figures, sources) stay.
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p += row, p.left_on = date(row.left_on)
RETURN count(p) AS written

// name: unlink_teams
// Remove the account-team links (ON_TEAM) of these staff members before their new ones are written.
UNWIND $ids AS id
MATCH (:Person {id: id})-[r:ON_TEAM]->(:Account)
DELETE r

// name: link_teams
// Put staff members on account teams (ON_TEAM).
UNWIND $rows AS row
MATCH (s:Person {id: row.staff})
MATCH (a:Account {id: row.account})
CREATE (s)-[:ON_TEAM]->(a)
RETURN count(*) AS written

// name: unlink_employers
// Remove the WORKS_AT link of these stakeholders before the new one is written.
UNWIND $ids AS id
MATCH (:Person {id: id})-[r:WORKS_AT]->(:Account)
DELETE r

// name: link_employers
// Link stakeholders to their account (WORKS_AT).
UNWIND $rows AS row
MATCH (c:Person {id: row.stakeholder})
MATCH (a:Account {id: row.account})
CREATE (c)-[:WORKS_AT]->(a)
RETURN count(*) AS written

// name: unlink_reporting_lines
// Remove the outgoing reporting lines of these stakeholders before their new ones are written.
UNWIND $ids AS id
MATCH (:Person {id: id})-[r:REPORTS_TO]->(:Person)
DELETE r

// name: link_reporting_lines
// Reporting lines (REPORTS_TO, with line 'solid' or 'dotted') between stakeholders.
UNWIND $rows AS row
MATCH (c:Person {id: row.stakeholder})
MATCH (m:Person {id: row.manager})
WHERE m:Stakeholder
CREATE (c)-[:REPORTS_TO {line: row.line}]->(m)
RETURN count(*) AS written

// name: create_meetings
// New meetings (the date is a Cypher date), each with its attendees (ATTENDED, person to meeting);
// returns the number of attendances made, fewer when an attendee does not exist.
UNWIND $rows AS row
CREATE (m:Meeting)
SET m = row.props, m.date = date(row.props.date)
WITH m, row
UNWIND row.attendees AS person
MATCH (p:Person {id: person})
CREATE (p)-[:ATTENDED]->(m)
RETURN count(*) AS written

// name: update_meetings
// Set every kamgraph property of existing meetings (a row holds all of them; null removes one); other
// properties stay.
UNWIND $rows AS row
MATCH (m:Meeting {id: row.id})
SET m += row, m.date = date(row.date)
RETURN count(m) AS written

// name: unlink_attendees
// Remove the ATTENDED links into these meetings before their new attendee lists are written.
UNWIND $ids AS id
MATCH (:Meeting {id: id})<-[r:ATTENDED]-(:Person)
DELETE r

// name: link_attendees
// Who attended which meeting (ATTENDED, person to meeting).
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (m:Meeting {id: row.meeting})
CREATE (p)-[:ATTENDED]->(m)
RETURN count(*) AS written

// name: create_knows
// New KNOWS ties between two people, with their weight.
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
CREATE (a)-[:KNOWS {weight: row.weight}]->(b)
RETURN count(*) AS written

// name: create_influences
// New INFLUENCES ties between two people, with their weight.
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
CREATE (a)-[:INFLUENCES {weight: row.weight}]->(b)
RETURN count(*) AS written

// name: update_ties
// New weight of existing KNOWS / INFLUENCES ties (row.kind is 'knows' or 'influences').
UNWIND $rows AS row
MATCH (:Person {id: row.source})-[t:KNOWS|INFLUENCES]->(:Person {id: row.target})
WHERE toLower(type(t)) = row.kind
SET t.weight = row.weight
RETURN count(t) AS written

// name: mark_left
// Record a departure on a person (status, date, where they went, a note; an absent note keeps the old) unless one is recorded.
// The node is written first (a lock property set, and removed at the end), so that of two transactions racing to
// record the same departure the second waits for the first (Neo4j's write lock) or fails and is retried
// (optimistic servers), and then reads the first one's status: exactly one records it.
MATCH (p:Person {id: $id})
SET p.kamgraph_lock = true
WITH p, coalesce(p.status, 'active') = $status AS already
FOREACH (_ IN CASE WHEN already THEN [] ELSE [1] END |
  SET p.status = $status, p.left_on = date($left_on), p.moved_to = $moved_to, p.note = coalesce($note, p.note))
REMOVE p.kamgraph_lock
RETURN p.id AS id, already

// name: mark_returned
// Undo a departure recorded by mistake.
MATCH (p:Person {id: $id})
SET p.status = $status, p.left_on = null, p.moved_to = null
RETURN p.id AS id

// name: clear_some
// Delete up to $limit kamgraph records (alert state included) with all their links; returns how many
// (run until 0).
MATCH (n)
WHERE n:Account OR n:Person OR n:Meeting OR n:Alert OR n:AlertCheck OR n:AlertOutbox OR n:Objective
   OR n:Competitor
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
