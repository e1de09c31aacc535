package reports

import "testing"

func TestGroupCauses(t *testing.T) {
	refused := "dial tcp 172.18.0.4:3306: connect: connection refused"
	sites := map[string]bool{"site-001": true, "site-002": true}
	for _, c := range []struct{ in, want string }{
		{"canaries could not be read back: [read canaries of identity: " + refused + " read canaries of tracker: " + refused + " read canaries of wiki: " + refused + "]",
			"canaries could not be read back: read canaries of 3 products (identity, tracker, wiki): " + refused},
		{"canaries could not be read back: [read canaries of identity: " + refused + " read canaries of tracker: timeout read canaries of wiki: " + refused + "]",
			"canaries could not be read back: read canaries of 2 products (identity, wiki): " + refused + "; read canaries of tracker: timeout"},
		{"baseline: fingerprint of site-001: 500 fingerprint of site-002: 500",
			"baseline: fingerprint of 2 sites (site-001, site-002): 500"},
		// Nothing repeats: the reason stays as it is.
		{"canaries could not be read back: [read canaries of identity: a read canaries of tracker: b]",
			"canaries could not be read back: [read canaries of identity: a read canaries of tracker: b]"},
		{"3 of 7 objectives breached: rto, site-rto-p95, milestone:customers-notified", "3 of 7 objectives breached: rto, site-rto-p95, milestone:customers-notified"},
		{"service wiki never became ready (GET /healthz: connection refused for 2m0s); nothing was measured", "service wiki never became ready (GET /healthz: connection refused for 2m0s); nothing was measured"},
	} {
		if got := groupCauses(c.in, sites); got != c.want {
			t.Errorf("groupCauses(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
}
