package reports

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseOutputs(t *testing.T) {
	got, err := ParseOutputs("html=out/r.html, junit=j.xml,markdown")
	if err != nil {
		t.Fatal(err)
	}
	want := Outputs{{"html", "out/r.html"}, {"junit", "j.xml"}, {"markdown", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if p := got.In("run1").Path("markdown"); p != filepath.Join("run1", "summary.md") {
		t.Errorf("default markdown path = %q", p)
	}
	_, err = ParseOutputs("pdf=x.pdf,html=a,html=b,json=")
	for _, s := range []string{`unknown report kind "pdf" (want html, junit, markdown, json, openmetrics)`, "html given twice", "json: empty path"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v should say %q", err, s)
		}
	}
}

func TestWriteRoundTripsThroughLoad(t *testing.T) {
	dir := t.TempDir()
	rep := campaignReport(t)
	outs := AllOutputs().In(dir)
	if err := Write(rep, outs); err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if fi, err := os.Stat(o.Path); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", o.Path, err)
		}
	}
	back, err := LoadFiles(outs.Path("json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0].Run.Size != "small" {
		t.Errorf("campaign JSON read back %d drills", len(back))
	}
	rep2, err := Merge(back, projectionOf(rep))
	if err != nil || len(rep2.Campaigns) != 1 || *rep2.Campaigns[0].ProjectedRTOSeconds != *rep.Campaigns[0].ProjectedRTOSeconds {
		t.Errorf("merge after load: %v %+v", err, rep2.Campaigns)
	}
}
