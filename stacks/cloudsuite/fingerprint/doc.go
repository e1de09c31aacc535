// Package fingerprint computes a checksum of one site's seeded data in one product: per seeded
// table, the count of its rows and the sum of a 64-bit hash of each row's text, without volatile
// columns (soft-delete marks) and without canaries. It depends only on the rows' values, so a
// site restored with the same rows has the same fingerprint; a changed, missing or extra row
// changes it. The sum needs no sort and no string aggregation: set-based, it costs about half of
// the ordered md5 it replaced (measured in drill's production drill: a 25-site batch of five
// products' fingerprints 1.9s instead of 3.7s while the restore runs).
package fingerprint
