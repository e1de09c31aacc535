// Package directory is how products ask identity whether a site exists and which products it is
// entitled to: one batched HTTP call (POST /sites/lookup) behind a short cache, so that a
// deletion shows in every product within the cache's TTL (500 ms by default, at most 1 s).
package directory
