package result

// Metrics are the drill's measured numbers, named as in DESIGN.md. A nil pointer is JSON null:
// not measured, or (for rto_seconds) an affected site did not recover.
type Metrics struct {
	RTOSeconds        *float64 `json:"rto_seconds"`
	SiteRTOP50Seconds *float64 `json:"site_rto_p50_seconds"`
	SiteRTOP95Seconds *float64 `json:"site_rto_p95_seconds"`
	IncidentSeconds   *float64 `json:"incident_seconds"`
	RPOSeconds        *float64 `json:"rpo_seconds"`
	// RPOBounded is true when for some affected site and product no canary survived, so the
	// window is a lower bound.
	RPOBounded                    bool    `json:"rpo_bounded"`
	LostWrites                    int     `json:"lost_writes"`
	CollateralLostWrites          int     `json:"collateral_lost_writes"`
	CollateralDowntimeSiteSeconds float64 `json:"collateral_downtime_site_seconds"`
	CollateralDowntimeSeconds     float64 `json:"collateral_downtime_seconds"`
	IntegrityMismatches           int     `json:"integrity_mismatches"`
	BrokenLinks                   int     `json:"broken_links"`
	// DetectSeconds is t0 to the first failed poll of any affected site; ExtentSeconds is t0
	// to the instant every affected site had been seen failing. Both time drill's own probes
	// (informational); null when no probe saw a failure.
	DetectSeconds *float64 `json:"detect_seconds"`
	ExtentSeconds *float64 `json:"extent_seconds"`
	// UnreadableLinks names the (site, link check) pairs whose check could not be read at the
	// end; each counts as one broken link.
	UnreadableLinks []string `json:"unreadable_links,omitempty"`
	// Milestones maps a milestone name to seconds from t0; null when never reached.
	Milestones     map[string]*float64 `json:"milestones,omitempty"`
	SitesAffected  int                 `json:"sites_affected"`
	SitesRecovered int                 `json:"sites_recovered"`
	SitesTotal     int                 `json:"sites_total"`
	// ProjectedRTOSeconds is set on campaigns with project-to.
	ProjectedRTOSeconds *float64   `json:"projected_rto_seconds,omitempty"`
	Resolution          Resolution `json:"resolution"`
	// Runbook splits the runbook's time into human and automated (runbook.go); nil when the
	// runbook did not run.
	Runbook *Runbook `json:"runbook,omitempty"`
}

// Resolution is the finest difference each metric can tell apart.
type Resolution struct {
	ProbeIntervalSeconds  float64 `json:"probe_interval_seconds"`  // rto, detect, milestones, downtime
	CanaryIntervalSeconds float64 `json:"canary_interval_seconds"` // rpo
	// PollGapSeconds is the largest gap between two consecutive polls of one site: the
	// resolution actually achieved, larger than the probe interval when a round of polls
	// takes longer than the interval (many sites).
	PollGapSeconds float64 `json:"poll_gap_seconds,omitempty"`
	// ProofLag*Seconds summarise, over the recovered sites, the proof lag: the time from the
	// first poll of a site's final healthy streak to the start of the reads that proved its
	// data (its recovered instant). A site's r(s) is no more precise than the poll gap plus its
	// proof lag (Uncertainty). Absent when no site was proven.
	ProofLagP50Seconds *float64 `json:"proof_lag_p50_seconds,omitempty"`
	ProofLagP95Seconds *float64 `json:"proof_lag_p95_seconds,omitempty"`
	ProofLagMaxSeconds *float64 `json:"proof_lag_max_seconds,omitempty"`
	// GraceSeconds is intervals.grace: how long after the runbook verification kept polling
	// for sites that had not settled.
	GraceSeconds float64 `json:"grace_seconds,omitempty"`
}

// Site is one site's row: the same fields as the metrics, for that site.
type Site struct {
	ID               string   `json:"id"`
	Affected         bool     `json:"affected"`
	Named            bool     `json:"named"`             // named by a fault step (not only found failing)
	HitSeconds       *float64 `json:"hit_seconds"`       // h(s), seconds from Run.Started
	RecoveredSeconds *float64 `json:"recovered_seconds"` // r(s), seconds from Run.Started
	RTOSeconds       *float64 `json:"rto_seconds"`
	// ProofLagSeconds is how long the recovered site waited, healthy, for the proof of its
	// data: from the first poll of its final healthy streak to the start of the proof's reads.
	ProofLagSeconds     *float64 `json:"proof_lag_seconds,omitempty"`
	DetectSeconds       *float64 `json:"detect_seconds"`
	RPOSeconds          *float64 `json:"rpo_seconds"`
	RPOBounded          bool     `json:"rpo_bounded"`
	LostWrites          int      `json:"lost_writes"`
	DowntimeSeconds     float64  `json:"downtime_seconds"`
	IntegrityMismatches []string `json:"integrity_mismatches,omitempty"` // products
	BrokenLinks         int      `json:"broken_links"`
	// Unreadable lists products whose canaries could not be read back at the end.
	Unreadable []string `json:"unreadable,omitempty"`
	// Products holds the per-product data-loss windows.
	Products map[string]ProductLoss `json:"products,omitempty"`
	// Why says why an affected site is affected: the fault step that named it and/or its
	// first failed poll.
	Why *Why `json:"why,omitempty"`
	// ProductRecoveredSeconds maps each product of an affected site to the start of its final
	// passing streak of health checks (seconds from Run.Started); null: never came back.
	ProductRecoveredSeconds map[string]*float64 `json:"product_recovered_seconds,omitempty"`
	// LinksUnreadable names the link checks of this site that could not be read at the end.
	LinksUnreadable []string `json:"links_unreadable,omitempty"`
}

// Why records why a site counts as affected.
type Why struct {
	// NamedBy is the fault step whose instance named the site, NamedSeconds when it started.
	NamedBy      string   `json:"named_by,omitempty"`
	NamedSeconds *float64 `json:"named_seconds,omitempty"`
	// FailedSeconds is the site's first failed poll after t0, in Product, with Error's text.
	FailedSeconds *float64 `json:"failed_seconds,omitempty"`
	Product       string   `json:"product,omitempty"`
	Error         string   `json:"error,omitempty"`
}

// ProductLoss is one site's data loss in one product.
type ProductLoss struct {
	WindowSeconds float64 `json:"window_seconds"`
	Bounded       bool    `json:"bounded"`
	LastAckedSeq  int     `json:"last_acked_seq"` // L
	SurvivingSeq  *int    `json:"surviving_seq"`  // S; null when none survived
	LostWrites    int     `json:"lost_writes"`
}

// Uncertainty is how far a recovered instant r(s), and so a per-site RTO and the RTO, may lie
// after the moment the site was whole again: the poll gap (it may have come back just after a
// poll of it) plus the largest proof lag (it may then have waited that long, healthy, for its
// data to be read). The larger of the two alone is not a bound: an outside poller saw sites
// recovered up to their proof lag plus part of a poll gap after it found them healthy. Without
// a proof lag, the poll gap (at least the probe interval).
func (r Resolution) Uncertainty() float64 {
	u := max(r.PollGapSeconds, r.ProbeIntervalSeconds)
	if r.ProofLagMaxSeconds != nil {
		u += *r.ProofLagMaxSeconds
	}
	return u
}
