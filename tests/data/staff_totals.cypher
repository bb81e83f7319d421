// Test-only statements of tests/test_writeback_staff_totals.py, read with the plain driver.

// name: st_staff_totals
// One staff member's thread totals and accounts as analyze --write stored them.
MATCH (s:Staff {id: $id})
RETURN s.kg_threads AS threads, s.kg_sole_threads AS sole, s.kg_accounts AS accounts
