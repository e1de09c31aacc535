// Package canary is the batched canary API every product serves, as drill's scenario reference
// defines it ("Canary protocol"): a write request carries one sequence number and many sites and
// writes one row per site in one transaction, answering per site; a read request answers the
// sequence numbers present per readable site.
package canary
