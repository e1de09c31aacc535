// Package seed fills cloudsuite with N sites of M records per product, deterministically from a
// seed: the same (seed, sites, records) always gives the same site IDs, app IDs and rows, and the
// first N sites of a larger seeding are the N sites of a smaller one. Rows go in with COPY (text
// format, streamed), one table per connection, several tables at once.
package seed
