// Package recovery is the pure arithmetic from what a drill observed to its metrics: the
// affected sites, each site's hit instant h(s) and recovery instant r(s), RTO and its
// percentiles, data loss from the canaries, collateral downtime, detection and milestones
// (DESIGN.md, "Metrics"). It takes plain data (Observations) and does no I/O, so every metric is
// proved on hand-made timelines in its tests. It is the only place RTO is computed: the engine
// and the fixture builder both call it.
package recovery
