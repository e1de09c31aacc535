// Package notify sends a notice to every contact of the given sites through the outbox. The
// contacts come from identity (which has none for a deleted site) or from identity's contacts
// exports (which survive the deletion).
package notify
