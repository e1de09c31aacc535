// Package fingerprint computes a checksum of one site's seeded data in one product: every seeded
// table's rows, in key order, without volatile columns (soft-delete marks) and without canaries.
// It depends only on the rows' values, so a site restored with the same rows has the same
// fingerprint.
package fingerprint
