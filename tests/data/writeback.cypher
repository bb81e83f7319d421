// Test-only statements of tests/test_writeback.py: read everything kamgraph may have written, and play a user.

// name: wb_nodes
// Every node with its labels and properties.
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props

// name: wb_met
// Every MET edge with its properties.
MATCH (s:Staff)-[r:MET]->(c:Stakeholder)
RETURN s.id AS staff, c.id AS stakeholder, properties(r) AS props

// name: wb_set_user_property
// A user's own property on a person, named like one of kamgraph's figures (without the prefix).
MATCH (p:Person {id: $id})
SET p.importance = $value, p.kgx_note = $value
RETURN count(p) AS written

// name: wb_person
// One person's labels and properties.
MATCH (p:Person {id: $id})
RETURN labels(p) AS labels, properties(p) AS props
