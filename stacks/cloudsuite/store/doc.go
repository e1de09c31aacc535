// Package store opens cloudsuite's PostgreSQL connection pools (UTC sessions, so fingerprints
// do not depend on a time zone) and creates the schemas idempotently.
package store
