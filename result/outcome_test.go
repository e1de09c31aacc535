package result

import "testing"

func TestSucceededCountsACaughtNegativeControl(t *testing.T) {
	missed := loadFixture(t, "negative-control.json")
	missed.Verdict, missed.Expected = Pass, false // the control's fault went unnoticed
	tests := []struct {
		name string
		r    *Result
		want bool
	}{
		{"pass", ptr(loadFixture(t, "pass-small.json")), true},
		{"fail", ptr(loadFixture(t, "fail-medium.json")), false},
		{"inconclusive", ptr(loadFixture(t, "inconclusive.json")), false},
		{"negative control that caught its fault", ptr(loadFixture(t, "negative-control.json")), true},
		{"negative control that passed", &missed, false},
		{"aborted", &Result{Verdict: Aborted}, false},
		{"aborted negative control", &Result{Verdict: Aborted, Expect: &Expect{Verdict: Aborted}, Expected: true}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := Succeeded(tt.r); got != tt.want {
			t.Errorf("%s: Succeeded = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func ptr(r Result) *Result { return &r }
