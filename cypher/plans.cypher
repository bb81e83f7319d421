// Account plans (schema 4): relationship objectives, (:Objective {id, ...})-[:FOR]->(:Account). Dates arrive
// as ISO text and are stored as Cypher dates; `data` is a JSON text. Reads follow FOR, so an objective
// whose account is gone is never seen.

// name: objective_exists
// Whether an objective with this id exists, and whether its account does.
OPTIONAL MATCH (o:Objective {id: $id})
OPTIONAL MATCH (a:Account {id: $account})
RETURN o IS NOT NULL AS taken, a IS NOT NULL AS account

// name: objective_save
// Create or overwrite one objective (every property replaced) and link it to its account.
MATCH (a:Account {id: $row.account})
MERGE (o:Objective {id: $row.id})
SET o = $row, o.due = date($row.due), o.created_on = date($row.created_on), o.closed_on = date($row.closed_on)
WITH o, a
OPTIONAL MATCH (o)-[old:FOR]->(:Account)
DELETE old
WITH DISTINCT o, a
CREATE (o)-[:FOR]->(a)
RETURN count(o) AS written

// name: objective_create
// Create one new objective linked to its account (a second one with the same id breaks the constraint).
MATCH (a:Account {id: $row.account})
CREATE (o:Objective)
SET o = $row, o.due = date($row.due), o.created_on = date($row.created_on), o.closed_on = date($row.closed_on)
CREATE (o)-[:FOR]->(a)
RETURN count(o) AS written

// name: objective_load
// Stored objectives of these accounts ($accounts null: all), open ones only unless $closed_too.
MATCH (o:Objective)-[:FOR]->(a:Account)
WHERE ($closed_too OR o.state = 'open') AND ($accounts IS NULL OR a.id IN $accounts)
RETURN properties(o) AS props

// name: objective_by_id
// One objective's properties (none when unknown or its account is gone).
MATCH (o:Objective {id: $id})-[:FOR]->(:Account)
RETURN properties(o) AS props

// name: objective_set_state
// Change an objective's state unless it is in that state already; returns whether it exists and was.
MATCH (o:Objective {id: $id})-[:FOR]->(:Account)
WITH o, o.state = $state AS already
SET o.state = CASE WHEN already THEN o.state ELSE $state END,
    o.closed_on = CASE WHEN already THEN o.closed_on ELSE date($closed_on) END,
    o.note = CASE WHEN already OR $note IS NULL THEN o.note ELSE $note END
RETURN already

// name: objective_delete
// Remove one objective and its link; returns how many were removed.
MATCH (o:Objective {id: $id})
DETACH DELETE o
RETURN count(*) AS written
