package result

// Objective is one target compared with its measurement.
type Objective struct {
	// Name is the target's key as written in the scenario: rto, site-rto-p95, rpo,
	// lost-writes, collateral-lost-writes, integrity-mismatches, broken-links, projected-rto,
	// human-time, automated-time, milestone:NAME.
	Name string `json:"name"`
	// Unit is "seconds" or "count".
	Unit   string   `json:"unit"`
	Target float64  `json:"target"`
	Actual *float64 `json:"actual"` // null: not measured or not recovered (a breach)
	Met    bool     `json:"met"`
	// Margin is Target − Actual (positive: room left; negative: by how much it was missed);
	// null when Actual is null.
	Margin *float64 `json:"margin"`
	Note   string   `json:"note,omitempty"`
}
