// Plain Cypher of tests/test_cypher_write_rows.py: the data each test starts from and how it reads
// back what a named query of cypher/ changed (written out here, never another named query).

// name: make_accounts
// Set-up: accounts.
CREATE (:Account {id: 'acme', name: 'Acme'}), (:Account {id: 'beta', name: 'Beta'})

// name: make_staff
// Set-up: staff.
CREATE (:Person:Staff {id: 's1', name: 'Sam'})

// name: make_acme_stakeholders
// Set-up: acme stakeholders.
MATCH (a:Account {id: 'acme'}) CREATE (:Person:Stakeholder {id: 'c1', account: 'acme'})-[:WORKS_AT]->(a), (:Person:Stakeholder {id: 'c2', account: 'acme'})-[:WORKS_AT]->(a)

// name: make_beta_stakeholder
// Set-up: beta stakeholder.
MATCH (a:Account {id: 'beta'}) CREATE (:Person:Stakeholder {id: 'c3', account: 'beta'})-[:WORKS_AT]->(a)

// name: make_alert_seq_record
// Set-up: alert seq record.
CREATE (:KamgraphMeta {key: 'alert_seq', value: 3})

// name: make_old_schema_record
// Set-up: old schema record.
CREATE (:KamgraphMeta {key: 'schema', version: 2})

// name: make_foreign_node
// Set-up: foreign node.
CREATE (:Foreign {x: 1})

// name: make_account_and_staff
// Set-up: account and staff.
CREATE (:Account {id: 'acme'}), (:Person:Staff {id: 's1'})

// name: make_records_of_every_label
// Set-up: records of every label.
CREATE (:Meeting {id: 'm1'}), (:Alert {key: 'k'}), (:AlertCheck {account: 'acme'}), (:AlertOutbox {id: 'o'}), (:KamgraphMeta {key: 'schema', version: 4}), (:Foreign {id: 'f'})

// name: make_staff_s2
// Set-up: staff s2.
CREATE (:Person:Staff {id: 's2'})

// name: make_stale_met
// Set-up: stale met.
MATCH (s:Person {id: 's2'}), (c:Person {id: 'c2'}) CREATE (s)-[:MET {count: 9}]->(c)

// name: drop_met
// Set-up: remove every MET edge.
MATCH ()-[r:MET]->() DELETE r

// name: make_alerts
// Set-up: alerts.
CREATE (:Alert {key: 'a', account: 'acme', seq: 1}), (:Alert {key: 'a', account: 'acme', seq: 0, cleared_on: '2025-01-01'}), (:Alert {key: 'b', account: 'beta', seq: 2}), (:Alert {key: 'c', account: 'beta', seq: 3, cleared_on: '2025-01-02'})

// name: make_reporting_lines_to_a_stakeholder_and_staff
// Set-up: reporting lines to a stakeholder and staff.
MATCH (a:Person {id: 'c2'}), (b:Person {id: 'c1'}), (s:Person {id: 's1'}) CREATE (a)-[:REPORTS_TO {line: 'dotted'}]->(b), (a)-[:REPORTS_TO {line: 'solid'}]->(s)

// name: meta_records
// Read back: meta records.
MATCH (k:KamgraphMeta) RETURN k.key AS key, k.version AS version

// name: account_props
// Read back: account props.
MATCH (a:Account) RETURN properties(a) AS p

// name: staff_left_on
// Read back: staff left on.
MATCH (s:Staff:Person) RETURN s.id AS id, s.left_on AS left ORDER BY id

// name: stakeholder_employers
// Read back: stakeholder employers.
MATCH (c:Stakeholder:Person)-[:WORKS_AT]->(a:Account) RETURN c.id AS c, a.id AS a

// name: c1_props
// Read back: c1 props.
MATCH (c:Person {id: 'c1'}) RETURN properties(c) AS p

// name: team_link_count
// Read back: team link count.
MATCH ()-[r:ON_TEAM]->() RETURN count(r) AS n

// name: employers
// Read back: employers.
MATCH (c)-[:WORKS_AT]->(a) RETURN c.id AS c, a.id AS a ORDER BY c

// name: c1_employer
// Read back: c1 employer.
MATCH (:Person {id: 'c1'})-[:WORKS_AT]->(a) RETURN a.id AS a

// name: reporting_lines_with_kind
// Read back: reporting lines with kind.
MATCH (a)-[r:REPORTS_TO]->(b) RETURN a.id AS a, b.id AS b, r.line AS line ORDER BY a

// name: reporting_lines
// Read back: reporting lines.
MATCH (a)-[r:REPORTS_TO]->(b) RETURN a.id AS a, b.id AS b

// name: meeting_dates
// Read back: meeting dates.
MATCH (m:Meeting) RETURN m.id AS m, m.date AS d ORDER BY m

// name: m1_props
// Read back: m1 props.
MATCH (m:Meeting {id: 'm1'}) RETURN properties(m) AS p

// name: person_ties
// Read back: person ties.
MATCH (a)-[t]->(b) WHERE type(t) IN ['KNOWS', 'INFLUENCES'] RETURN a.id AS a, b.id AS b, type(t) AS kind, t.weight AS w ORDER BY kind

// name: c1_departure
// Read back: c1 departure.
MATCH (p:Person {id: 'c1'}) RETURN p.status AS s, p.left_on AS d, p.moved_to AS m

// name: c2_status
// Read back: c2 status.
MATCH (p:Person {id: 'c2'}) RETURN p.status AS s

// name: labels_left
// Read back: labels left.
MATCH (n) RETURN labels(n) AS labels ORDER BY labels[0]

// name: met_edges_full
// Read back: met edges full.
MATCH (s)-[r:MET]->(c) RETURN s.id AS s, c.id AS c, r.count AS n, r.first AS f, r.last AS l ORDER BY c, s

// name: met_edges_short
// Read back: met edges short.
MATCH (s)-[r:MET]->(c) RETURN s.id AS s, c.id AS c, r.count AS n, r.last AS l

// name: alert_clears
// Read back: alert clears.
MATCH (a:Alert) RETURN a.seq AS seq, a.cleared_on AS on ORDER BY seq

// name: meta_value
// Read back: meta value.
MATCH (k:KamgraphMeta) RETURN k.value AS v

// name: alert_count
// Read back: alert count.
MATCH (a:Alert) RETURN count(a) AS n

// name: attendees_of
// Read back: attendees of.
MATCH (p)-[:ATTENDED]->(:Meeting {id: $m}) RETURN p.id AS p

// name: make_two_meetings
// Set-up: two meetings of S1 with C1 (acme), on 2025-01-10 and 2025-02-10.
MATCH (s:Person {id: 's1'}), (c:Person {id: 'c1'})
CREATE (s)-[:ATTENDED]->(:Meeting {id: 'm1', date: date('2025-01-10')})<-[:ATTENDED]-(c),
       (s)-[:ATTENDED]->(:Meeting {id: 'm2', date: date('2025-02-10')})<-[:ATTENDED]-(c)
