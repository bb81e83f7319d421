// Constraints and indexes of a kamgraph Neo4j store. Every statement is idempotent (IF NOT EXISTS);
// the store applies them all, in this order, each time it opens a database.

// name: schema_account_id
// Accounts are unique by external id.
CREATE CONSTRAINT kamgraph_account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE

// name: schema_person_id
// Staff and stakeholders share one id space: every Person (either label) is unique by id.
CREATE CONSTRAINT kamgraph_person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE

// name: schema_meeting_id
// Meetings are unique by external id.
CREATE CONSTRAINT kamgraph_meeting_id IF NOT EXISTS FOR (m:Meeting) REQUIRE m.id IS UNIQUE

// name: schema_meta_key
// One metadata node per key (the schema version lives under key 'schema').
CREATE CONSTRAINT kamgraph_meta_key IF NOT EXISTS FOR (k:KamgraphMeta) REQUIRE k.key IS UNIQUE

// name: schema_meeting_date
// Meetings by date, for as-of cut-offs and time-range browsing.
CREATE INDEX kamgraph_meeting_date IF NOT EXISTS FOR (m:Meeting) ON (m.date)

// name: schema_alert_key
// Alerts are looked up by key (at most one open alert per key; cleared ones stay as history).
CREATE INDEX kamgraph_alert_key IF NOT EXISTS FOR (a:Alert) ON (a.key)

// name: schema_alert_check_account
// One last-check record per account.
CREATE CONSTRAINT kamgraph_alert_check_account IF NOT EXISTS FOR (c:AlertCheck) REQUIRE c.account IS UNIQUE

// name: schema_outbox_id
// Webhook payloads waiting for delivery are unique by id.
CREATE CONSTRAINT kamgraph_outbox_id IF NOT EXISTS FOR (o:AlertOutbox) REQUIRE o.id IS UNIQUE

// name: schema_person_email
// People by e-mail address, for matching calendar attendees and CRM contacts.
CREATE INDEX kamgraph_person_email IF NOT EXISTS FOR (p:Person) ON (p.email)

// name: schema_account_name
// Accounts by exact name (kamgraph xray NAME), without reading every account.
CREATE INDEX kamgraph_account_name IF NOT EXISTS FOR (a:Account) ON (a.name)

// name: schema_objective_id
// Account-plan objectives are unique by id: (:Objective)-[:FOR]->(:Account).
CREATE CONSTRAINT kamgraph_objective_id IF NOT EXISTS FOR (o:Objective) REQUIRE o.id IS UNIQUE

// name: schema_competitor_name
// Competitors are unique by name: (:Stakeholder)-[:LEANS_TO {strength, since}]->(:Competitor).
CREATE CONSTRAINT kamgraph_competitor_name IF NOT EXISTS FOR (k:Competitor) REQUIRE k.name IS UNIQUE
