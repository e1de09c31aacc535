// Package cloudsuite is drill's reference stack: a small multi-product SaaS on real PostgreSQL,
// shipped so that every drill in the catalogue runs out of the box and so that users see how to
// describe their own stack (stack.yaml).
//
// Five products and an outbox run from one static binary (cmd/cloudsuite), each in its own
// container: identity (sites, customers, contacts, users, product entitlements and the admin
// delete API), tracker (issues), wiki (pages linking to issues), pager (alerts linking to issues)
// and status (status pages, incidents, subscribers); outbox records every notice sent to a
// customer contact. Every product keeps its data per site in its own PostgreSQL schema and asks
// identity whether a site exists, so recovery has an order.
//
// The subpackages hold the parts: catalog (the tables, in dependency order), store (connections
// and migrations), directory (identity's client with a short cache), canary (the batched canary
// API), identity, products and outbox (the servers), seed, fingerprint, restore, contacts and
// notify (the tools). None of them imports drill: this is the system under test. The tests in
// this directory start the stack in real containers (Ginkgo, label "docker").
package cloudsuite
