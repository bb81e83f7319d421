// The store's own bookkeeping: which schema version a database holds.

// name: meta_read
// The recorded schema version (null when none) and whether the database holds anything else.
OPTIONAL MATCH (k:KamgraphMeta {key: $key})
RETURN k.version AS version, EXISTS { MATCH (n) WHERE NOT n:KamgraphMeta } AS has_data

// name: meta_init
// Record the schema version of a new store; an existing record is kept and returned.
MERGE (k:KamgraphMeta {key: $key})
ON CREATE SET k.version = $version
RETURN k.version AS version
