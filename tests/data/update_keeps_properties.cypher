// Test-only queries of tests/test_neo4j_update_keeps_properties.py (plain Cypher, run with the plain driver).

// name: user_properties
// What a user adds by hand in Neo4j Browser, plus a kg_ figure as analyze --write leaves it.
MATCH (p:Person {id: 'c1'}) SET p.crm_owner = 'Ola', p.kg_importance = 0.5
WITH p MATCH (a:Account {id: 'acme'}) SET a.region = 'EMEA'
WITH a MATCH (m:Meeting {id: 'm1'}) SET m.room = 'Oslo 3'
RETURN count(*) AS done

// name: all_properties
// Every property of the person, the account and the meeting.
MATCH (p:Person {id: 'c1'}), (a:Account {id: 'acme'}), (m:Meeting {id: 'm1'})
RETURN properties(p) AS p, properties(a) AS a, properties(m) AS m
