// Erasure of people and accounts (kamgraph forget), and the whole alert state as one value (kamgraph copy).
// Every statement runs inside the one write transaction of an erasure or a restore.

// name: erase_touched_meetings
// The meetings these people attended.
UNWIND $ids AS id
MATCH (:Person {id: id})-[:ATTENDED]->(m:Meeting)
RETURN DISTINCT m.id AS id

// name: erase_account_meetings
// The meetings recorded on these accounts.
MATCH (m:Meeting)
WHERE m.account IN $accounts
RETURN m.id AS id

// name: erase_links_out
// The links leaving these people, by type (counted before they go).
UNWIND $ids AS id
MATCH (:Person {id: id})-[r]->()
RETURN type(r) AS kind, count(r) AS links

// name: erase_links_in
// The links into these people from people who stay, by type.
UNWIND $ids AS id
MATCH (:Person {id: id})<-[r]-(q:Person)
WHERE NOT q.id IN $ids
RETURN type(r) AS kind, count(r) AS links

// name: erase_people
// Delete these people with every link they have (attendances, reporting lines, ties, MET, LEANS_TO).
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH p, CASE WHEN p:Staff THEN 'staff' ELSE 'stakeholders' END AS kind
DETACH DELETE p
RETURN kind, count(*) AS written

// name: erase_account_snapshots
// Accounts whose stored analysis snapshot names one of these people (its top staff member or most critical
// person), with the snapshot's kg_ keys: they are removed, as SQLite deletes those account_metrics rows.
MATCH (a:Account)
WHERE a.kg_top_staff IN $ids OR a.kg_most_critical_person IN $ids
RETURN a.id AS id, [k IN keys(a) WHERE k STARTS WITH 'kg_'] AS keys

// name: erase_meeting_client_attendees
// How many stakeholders still attend each of these meetings.
UNWIND $ids AS id
MATCH (m:Meeting {id: id})
OPTIONAL MATCH (c:Stakeholder)-[:ATTENDED]->(m)
RETURN m.id AS id, count(c) AS clients

// name: erase_meetings
// Delete these meetings with their attendances; returns how many meetings and attendances went.
UNWIND $ids AS id
MATCH (m:Meeting {id: id})
OPTIONAL MATCH (m)<-[a:ATTENDED]-(:Person)
WITH m, count(a) AS links
DETACH DELETE m
RETURN count(*) AS written, sum(links) AS attendances

// name: erase_meeting_accounts
// Meetings kept but recorded on an erased account lose that account.
MATCH (m:Meeting)
WHERE m.account IN $accounts
SET m.account = null
RETURN count(m) AS written

// name: erase_objectives_read
// Every objective with the account it is for.
MATCH (o:Objective)
OPTIONAL MATCH (o)-[:FOR]->(a:Account)
RETURN properties(o) AS props, a.id AS account

// name: erase_objectives
// Delete these objectives.
UNWIND $ids AS id
MATCH (o:Objective {id: id})
DETACH DELETE o
RETURN count(*) AS written

// name: erase_accounts
// Delete these accounts with their links (account-team links, objectives' FOR links).
UNWIND $ids AS id
MATCH (a:Account {id: id})
DETACH DELETE a
RETURN count(*) AS written

// name: erase_left_on_account
// Stakeholders still recorded at these accounts (none may remain after an account is erased).
MATCH (c:Stakeholder)
WHERE c.account IN $accounts
RETURN count(c) AS left

// name: erase_meeting_texts
// Free text of meetings that may name an erased person: subjects and source ids.
MATCH (m:Meeting)
WHERE m.subject IS NOT NULL OR m.source_id IS NOT NULL
RETURN m.id AS id, [m.subject, m.source_id] AS texts

// name: erase_person_texts
// Free text of people that may name an erased person: notes, moves, titles.
MATCH (p:Person)
WHERE p.note IS NOT NULL OR p.moved_to IS NOT NULL OR p.title IS NOT NULL
RETURN p.id AS id, [p.note, p.moved_to, p.title] AS texts

// name: erase_scrub_meetings
// Write back meeting subjects and source ids without the erased names.
UNWIND $rows AS row
MATCH (m:Meeting {id: row.id})
SET m.subject = row.texts[0], m.source_id = row.texts[1]
RETURN count(m) AS written

// name: erase_scrub_people
// Write back notes, moves and titles without the erased names.
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p.note = row.texts[0], p.moved_to = row.texts[1], p.title = row.texts[2]
RETURN count(p) AS written

// name: alert_state_clear
// Delete every alert, last check and queued payload (before the new alert state is written).
MATCH (n)
WHERE n:Alert OR n:AlertCheck OR n:AlertOutbox
DETACH DELETE n
RETURN count(*) AS deleted

// name: alert_restore
// Alert records with every property, the cleared date included (one map each).
UNWIND $rows AS row
CREATE (a:Alert)
SET a = row, a.raised_on = date(row.raised_on), a.cleared_on = date(row.cleared_on)
RETURN count(a) AS written

// name: alert_check_restore
// Last checks (one per account).
UNWIND $rows AS row
CREATE (c:AlertCheck)
SET c.account = row.account, c.checked_on = date(row.checked_on), c.facts = row.facts
RETURN count(c) AS written

// name: outbox_restore
// Queued webhook payloads.
UNWIND $rows AS row
CREATE (o:AlertOutbox)
SET o = row, o.created_on = date(row.created_on)
RETURN count(o) AS written

// name: erase_verify_nodes
// Every node with its labels and properties (kamgraph forget --verify searches them for the erased).
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props

// name: erase_verify_links
// Every relationship with its type and properties (kamgraph forget --verify searches them too).
MATCH ()-[r]->()
RETURN type(r) AS type, properties(r) AS props
