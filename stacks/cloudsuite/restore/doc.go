// Package restore copies data from a point-in-time side instance (a PostgreSQL restored from a
// base backup and the WAL archive to a moment before an incident) into the live database.
//
// Sites restores whole sites in batches: for each batch, one transaction on the live database
// copies the batch's rows of every product with one COPY per table for all its sites (set-based),
// in dependency order (identity first, then tracker, whose issues the others reference),
// preserving every ID, so cross-product references hold. It never touches another site. A batch
// of one site is the site-by-site restore. Rows already present live are kept (a merge: conflicting keys are skipped), so a site
// that still has data is not rolled back, and a soft-deleted site stays marked (undelete it).
// Table restores one product table, for all sites or the given ones, recreating it when it was
// dropped.
package restore
