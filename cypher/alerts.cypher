// Alert state kept between two `kamgraph alerts` runs: alerts, the last check of each account, and the
// webhook outbox (see kamgraph/domain/alert_state.py). Dates are Cypher dates; `data`, `facts` and `payload`
// are JSON texts.

// name: alert_open_keys
// Of these keys, the ones with an open (not cleared) alert.
UNWIND $keys AS key
MATCH (a:Alert {key: key})
WHERE a.cleared_on IS NULL
RETURN DISTINCT a.key AS key

// name: alert_clear
// Clear the open alerts with these keys on $day; returns how many were cleared.
UNWIND $keys AS key
MATCH (a:Alert {key: key})
WHERE a.cleared_on IS NULL
SET a.cleared_on = $day
RETURN count(a) AS written

// name: alert_next_seq
// Reserve $n sequence numbers for new alerts (they order alerts raised on one day under one key).
MERGE (k:KamgraphMeta {key: $key})
SET k.value = coalesce(k.value, 0) + $n
RETURN k.value - $n AS first

// name: alert_create
// Create these alert records (one map of properties each).
UNWIND $rows AS row
CREATE (a:Alert)
SET a = row
RETURN count(a) AS written

// name: alert_load
// Stored alerts: open ones only unless $cleared_too; of these accounts unless $accounts is null.
MATCH (a:Alert)
WHERE ($cleared_too OR a.cleared_on IS NULL) AND ($accounts IS NULL OR a.account IN $accounts)
RETURN properties(a) AS props

// name: alert_open_counts
// How many open alerts each account has (accounts without one: no row).
MATCH (a:Alert)
WHERE a.cleared_on IS NULL
RETURN a.account AS account, count(a) AS n

// name: alert_check_load
// The last alert check of every account.
MATCH (c:AlertCheck)
RETURN c.account AS account, c.checked_on AS checked_on, c.facts AS facts

// name: alert_check_save
// Replace the last check of these accounts.
UNWIND $rows AS row
MERGE (c:AlertCheck {account: row.account})
SET c.checked_on = row.checked_on, c.facts = row.facts
RETURN count(c) AS written

// name: outbox_ids
// Of these ids, the webhook payloads already in the outbox.
UNWIND $ids AS id
MATCH (o:AlertOutbox {id: id})
RETURN o.id AS id

// name: outbox_add
// Put these webhook payloads in the outbox.
UNWIND $rows AS row
CREATE (o:AlertOutbox)
SET o = row
RETURN count(o) AS written

// name: outbox_load
// Every webhook payload waiting in the outbox.
MATCH (o:AlertOutbox)
RETURN properties(o) AS props

// name: outbox_delivered
// Remove a delivered payload; returns how many were removed (0: unknown id).
MATCH (o:AlertOutbox {id: $id})
DELETE o
RETURN count(*) AS written

// name: outbox_failed
// Count one more failed attempt of a payload and keep its error; returns how many were found.
MATCH (o:AlertOutbox {id: $id})
SET o.attempts = o.attempts + 1, o.last_error = $error
RETURN count(o) AS written

// name: stakeholders_of_accounts
// Every stakeholder (people who left included) of these accounts, or of all when $accounts is null,
// with their reporting lines.
MATCH (c:Stakeholder)
WHERE $accounts IS NULL OR c.account IN $accounts
RETURN properties(c) AS props, [(c)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines
