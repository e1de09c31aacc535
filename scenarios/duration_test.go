package scenarios

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"0s":     0,
		"250ms":  250 * time.Millisecond,
		"90s":    90 * time.Second,
		"1m30s":  90 * time.Second,
		"1.5h":   90 * time.Minute,
		"1d12h":  36 * time.Hour,
		"2w":     14 * 24 * time.Hour,
		"1w1d":   8 * 24 * time.Hour,
		"10µs":   10 * time.Microsecond,
		"3us5ns": 3005 * time.Nanosecond,
	}
	for in, want := range good {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
		if err == nil && want%time.Second == 0 {
			if back, _ := ParseDuration(FormatDuration(got)); back != got {
				t.Errorf("FormatDuration(%v) = %q does not parse back", got, FormatDuration(got))
			}
		}
	}
	for _, in := range []string{"", "5", "-5s", "+5s", "5x", "s", "1d 12h", "1..5s", "99999999999w", "5sm"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 36 * time.Hour: "1d12h", 5 * time.Minute: "5m", 90 * time.Second: "1m30s",
		250 * time.Millisecond: "250ms", 8 * 24 * time.Hour: "1w1d",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
