// Package catalog describes cloudsuite's data: the products, their PostgreSQL schemas and tables,
// in dependency order (identity first), with the columns that make up a site's seeded data.
// Seeding, fingerprints, deletion and restore all walk this one description, so a table added
// here is seeded, checksummed, deleted and restored alike.
package catalog
