// Package canary writes a drill's canaries: one batched write per product every interval
// (grown with the number of sites so drill's own load stays small), each site's acknowledgement
// recorded on the drill clock, and the final read-back. harness/recovery measures data loss
// from what it records. It reaches the stack only through the data plane (harness/transport).
package canary
