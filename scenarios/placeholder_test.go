package scenarios

import (
	"testing"
	"time"
)

func TestPlaceholdersRenderT0AndHitByName(t *testing.T) {
	d := TemplateData{Sites: []string{"a"}}.Placeholders()
	for text, want := range map[string]string{
		`{{pgtime .T0}}`:                      "<t0>",
		`{{pgtime (before .T0 "1s")}}`:        "<t0-1s>",
		`{{rfc3339 (after .T0 "1m30s")}}`:     "<t0+1m30s>",
		`{{unix .T0}}`:                        "<t0>",
		`{{.T0}}`:                             "<t0>",
		`{{pgtime (before .Hit "250ms")}}`:    "<hit-250ms>",
		`{{sqlquote (rfc3339 .T0)}}`:          "'<t0>'",
		`{{json (rfc3339 (after .T0 "1m"))}}`: `"<t0+1m>"`,
	} {
		got, err := Render(text, d)
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", text, got, err, want)
		}
	}
	// Without placeholders the same templates render times, and the cache keeps them apart.
	real := TemplateData{T0: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	if got, _ := Render(`{{pgtime (before .T0 "1s")}}`, real); got != "2026-05-01 11:59:59.000000+00" {
		t.Errorf("real t0: %q", got)
	}
	if got, _ := Render(`{{unix .T0}}`, real); got != "1777636800" {
		t.Errorf("real unix: %q", got)
	}
}
