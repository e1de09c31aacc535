package result

import "testing"

func TestEventFailed(t *testing.T) {
	for outcome, want := range map[string]bool{
		OutcomeOK: false, OutcomeFailed: true, OutcomeTimeout: true, OutcomeAborted: false,
	} {
		if got := (Event{Kind: EventStep, Outcome: outcome}).Failed(); got != want {
			t.Errorf("an event with outcome %s: Failed() = %v, want %v", outcome, got, want)
		}
	}
}
