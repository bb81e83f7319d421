// Test-only statements of tests/test_plant6_store.py, run with the plain driver.

// name: p6_remove_verified
// A stakeholder node without the verified property, as a store written before it existed (or by hand) has it.
MATCH (p:Person {id: $id})
REMOVE p.verified
RETURN count(p) AS written
