// Reads. They run in managed read transactions; results are sorted by the caller, in Python, so that
// both stores order records the same way.

// name: count_records
// Number of stored records of each kind.
RETURN COUNT { MATCH (:Account) } AS accounts,
       COUNT { MATCH (:Staff) } AS staff,
       COUNT { MATCH (:Stakeholder) } AS stakeholders,
       COUNT { MATCH (:Meeting) } AS meetings,
       COUNT { MATCH (:Person)-[:KNOWS|INFLUENCES]->(:Person) } AS relationships,
       COUNT { MATCH (:Person)-[:REPORTS_TO]->(:Person) } AS reporting_lines,
       COUNT { MATCH (:Person)-[:ATTENDED]->(:Meeting) } AS attendances

// name: people_by_ids
// Of these ids, the people that exist: their kind ('staff' or 'stakeholder') and account (stakeholders).
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id, CASE WHEN p:Staff THEN 'staff' ELSE 'stakeholder' END AS kind, p.account AS account

// name: accounts_by_ids
// Of these ids, the accounts that exist, with their properties.
UNWIND $ids AS id
MATCH (a:Account {id: id})
RETURN a.id AS id, properties(a) AS props

// name: staff_by_ids
// Of these ids, the staff members that exist, with the accounts whose team they are on.
UNWIND $ids AS id
MATCH (s:Person {id: id})
WHERE s:Staff
RETURN properties(s) AS props, [(s)-[:ON_TEAM]->(a:Account) | a.id] AS accounts

// name: stakeholders_by_ids
// Of these ids, the stakeholders that exist, with their reporting lines.
UNWIND $ids AS id
MATCH (c:Person {id: id})
WHERE c:Stakeholder
RETURN properties(c) AS props, [(c)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines

// name: meetings_by_ids
// Of these ids, the meetings that exist, with their attendees.
UNWIND $ids AS id
MATCH (m:Meeting {id: id})
RETURN properties(m) AS props, [(m)<-[:ATTENDED]-(p:Person) | p.id] AS attendees

// name: ties_from
// The KNOWS / INFLUENCES ties whose source is one of these people.
UNWIND $ids AS id
MATCH (a:Person {id: id})-[t:KNOWS|INFLUENCES]->(b:Person)
RETURN a.id AS source, b.id AS target, toLower(type(t)) AS kind, t.weight AS weight

// name: account_rows
// Every account with its number of active and departed stakeholders.
MATCH (a:Account)
OPTIONAL MATCH (a)<-[:WORKS_AT]-(c:Stakeholder)
RETURN a.id AS id, a.name AS name, a.tier AS tier, a.segment AS segment,
       count(CASE WHEN c.status = $active THEN 1 END) AS active,
       count(CASE WHEN c.status = $left THEN 1 END) AS departed

// name: account_meeting_stats
// Per account: the meetings its stakeholders attended, the latest date, and our staff in them.
MATCH (a:Account)<-[:WORKS_AT]-(:Stakeholder)-[:ATTENDED]->(m:Meeting)
WITH a, collect(DISTINCT m) AS meetings
UNWIND meetings AS m
OPTIONAL MATCH (m)<-[:ATTENDED]-(s:Staff)
RETURN a.id AS id, size(meetings) AS meeting_count, max(m.date) AS last, collect(DISTINCT s.id) AS staff

// name: account_teams
// The staff on each account's team.
MATCH (s:Staff)-[:ON_TEAM]->(a:Account)
RETURN a.id AS id, collect(s.id) AS staff

// name: account_by_id
// One account's properties.
MATCH (a:Account {id: $id})
RETURN properties(a) AS props

// name: account_stakeholders
// Everybody ever recorded at one account (people who left included), with their reporting lines.
MATCH (:Account {id: $id})<-[:WORKS_AT]-(c:Stakeholder)
RETURN properties(c) AS props, [(c)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines

// name: account_meetings
// The meetings a stakeholder of one account attended, up to $as_of unless it is null; with attendees.
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Stakeholder)-[:ATTENDED]->(m:Meeting)
WHERE $as_of IS NULL OR m.date <= $as_of
WITH DISTINCT m
RETURN properties(m) AS props, [(m)<-[:ATTENDED]-(p:Person) | p.id] AS attendees,
       [(m)<-[:ATTENDED]-(s:Staff) | s.id] AS staff

// name: account_team
// The staff on one account's team.
MATCH (:Account {id: $id})<-[:ON_TEAM]-(s:Staff)
RETURN s.id AS id

// name: account_ties
// The KNOWS / INFLUENCES ties with at least one end at a stakeholder of one account.
MATCH (:Account {id: $id})<-[:WORKS_AT]-(:Stakeholder)-[t:KNOWS|INFLUENCES]-(:Person)
WITH DISTINCT t
RETURN startNode(t).id AS source, endNode(t).id AS target, toLower(type(t)) AS kind, t.weight AS weight

// name: person_by_id
// One person: properties, whether staff, account teams (staff) and reporting lines (stakeholders).
MATCH (p:Person {id: $id})
RETURN properties(p) AS props, p:Staff AS staff,
       [(p)-[:ON_TEAM]->(a:Account) | a.id] AS accounts,
       [(p)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines

// name: person_meetings
// The meetings one person attended, up to $as_of unless it is null; with attendees.
MATCH (:Person {id: $id})-[:ATTENDED]->(m:Meeting)
WHERE $as_of IS NULL OR m.date <= $as_of
RETURN properties(m) AS props, [(m)<-[:ATTENDED]-(p:Person) | p.id] AS attendees

// name: all_accounts
// Every account (for a dump).
MATCH (a:Account)
RETURN properties(a) AS props

// name: all_staff
// Every staff member with their account teams (for a dump).
MATCH (s:Staff)
RETURN properties(s) AS props, [(s)-[:ON_TEAM]->(a:Account) | a.id] AS accounts

// name: all_stakeholders
// Every stakeholder with their reporting lines (for a dump).
MATCH (c:Stakeholder)
RETURN properties(c) AS props, [(c)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines

// name: all_meetings
// Every meeting with its attendees (for a dump).
MATCH (m:Meeting)
RETURN properties(m) AS props, [(m)<-[:ATTENDED]-(p:Person) | p.id] AS attendees

// name: all_ties
// Every KNOWS / INFLUENCES tie (for a dump).
MATCH (a:Person)-[t:KNOWS|INFLUENCES]->(b:Person)
RETURN a.id AS source, b.id AS target, toLower(type(t)) AS kind, t.weight AS weight

// name: people_by_emails
// The people with these (lower-cased) e-mail addresses, with account teams (staff) and reporting lines.
UNWIND $emails AS email
MATCH (p:Person {email: email})
RETURN properties(p) AS props, p:Staff AS staff,
       [(p)-[:ON_TEAM]->(a:Account) | a.id] AS accounts,
       [(p)-[r:REPORTS_TO]->(m:Stakeholder) | {manager: m.id, line: r.line}] AS lines

// name: accounts_by_name
// The accounts whose name is exactly $account_name (indexed).
MATCH (a:Account {name: $account_name})
RETURN properties(a) AS props

// name: accounts_by_folded_name
// The accounts whose name equals $account_name ignoring case (reads every account; used only when no
// account has that exact name).
MATCH (a:Account)
WHERE toLower(a.name) = toLower($account_name)
RETURN properties(a) AS props

// name: account_ids
// Every account id.
MATCH (a:Account)
RETURN a.id AS id
