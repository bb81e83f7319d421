// Test data for tests/test_forget.py (not part of the catalogue): schema-4 records about the person erased,
// written with the plain driver because their store methods live in other modules.
// name: objective_about_her
// An objective about her, for the demo's main account.
MATCH (a:Account {id: 'northwind'})
CREATE (o:Objective {id: 'o-1', subject: 'nw-zq', note: $note})-[:FOR]->(a)
// name: objective_kept
// An objective about somebody else.
MATCH (a:Account {id: 'northwind'})
CREATE (o:Objective {id: 'o-keep', subject: 'nw-cfo'})-[:FOR]->(a)
// name: leaning_to_a_competitor
// She leans to a competitor.
MATCH (c:Stakeholder {id: 'nw-zq'})
MERGE (k:Competitor {name: 'Globex'})
CREATE (c)-[:LEANS_TO {strength: 4.0, note: $note}]->(k)
