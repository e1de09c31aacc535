package recovery

import "time"

// Key names one site in one product.
type Key struct {
	Site    string
	Product string
}

// CanaryWrite is one site's canary in one product: its sequence number and when it was
// acknowledged (Acked false: the write failed or never answered).
type CanaryWrite struct {
	Seq   int
	Sent  time.Duration
	Acked bool
	At    time.Duration // acknowledgement instant when Acked
}
