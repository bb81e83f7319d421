// Test-only statements of tests/test_plant7_store.py, run with the plain driver.

// name: p7_alert_dates
// Every alert's raised and cleared dates, as stored.
MATCH (a:Alert)
RETURN a.raised_on AS raised, a.cleared_on AS cleared

// name: p7_alerts_cleared_since
// The alerts cleared on or after a date: a Cypher date comparison, as a user's own query would make it.
MATCH (a:Alert)
WHERE a.cleared_on >= date($day)
RETURN count(a) AS n
