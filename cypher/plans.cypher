// Account plans (schema 4): relationship objectives, (:Objective {id, ...})-[:FOR]->(:Account). Dates arrive
// as ISO text and are stored as Cypher dates; `data` is a JSON text. Reads follow FOR, so an objective
// whose account is gone is never seen.

// name: objective_exists
// For each row {id, account}: whether an objective with the id exists (node) and belongs to an account
// (taken; an objective left without its account by a clear is not), and whether the account exists.
UNWIND $rows AS row
OPTIONAL MATCH (o:Objective {id: row.id})
OPTIONAL MATCH (a:Account {id: row.account})
RETURN o IS NOT NULL AS node, EXISTS { MATCH (o)-[:FOR]->(:Account) } AS taken, a IS NOT NULL AS account

// name: objective_save
// Create or overwrite objectives (every property replaced), each linked to its account only.
UNWIND $rows AS row
MATCH (a:Account {id: row.account})
MERGE (o:Objective {id: row.id})
SET o = row, o.due = date(row.due), o.created_on = date(row.created_on), o.closed_on = date(row.closed_on)
WITH o, a
OPTIONAL MATCH (o)-[old:FOR]->(:Account)
DELETE old
WITH DISTINCT o, a
CREATE (o)-[:FOR]->(a)
RETURN count(o) AS written

// name: objective_create
// Create new objectives linked to their accounts (a second one with the same id breaks the constraint).
UNWIND $rows AS row
MATCH (a:Account {id: row.account})
CREATE (o:Objective)
SET o = row, o.due = date(row.due), o.created_on = date(row.created_on), o.closed_on = date(row.closed_on)
CREATE (o)-[:FOR]->(a)
RETURN count(o) AS written

// name: objective_load
// Stored objectives of these accounts ($accounts null: all), whatever their state.
MATCH (o:Objective)-[:FOR]->(a:Account)
WHERE $accounts IS NULL OR a.id IN $accounts
RETURN properties(o) AS props

// name: objective_by_id
// One objective's properties (none when unknown or its account is gone).
MATCH (o:Objective {id: $id})-[:FOR]->(:Account)
RETURN properties(o) AS props

// name: objective_set_state
// Set an objective's state to $status (closed on $day, null when open again) unless it is in that state
// already; returns whether it was.
MATCH (o:Objective {id: $id})-[:FOR]->(:Account)
WITH o, o.state = $status AS already
SET o.state = CASE WHEN already THEN o.state ELSE $status END,
    o.closed_on = CASE WHEN already THEN o.closed_on ELSE date($day) END,
    o.note = CASE WHEN already OR $note IS NULL THEN o.note ELSE $note END
RETURN already

// name: objective_delete
// Remove one objective and its link; returns how many were removed.
MATCH (o:Objective {id: $id})
DETACH DELETE o
RETURN count(*) AS written
