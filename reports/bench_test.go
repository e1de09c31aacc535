package reports

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/drill-dev/drill/result"
)

// bigCampaign is 3 sizes of 400 sites each, every site affected, with a restore-sites instance
// per site on the timeline: the largest report the catalogue is expected to produce.
func bigCampaign(t testing.TB) Report {
	base := fixture(t, "campaign-large")
	var tmpl result.Site
	for _, s := range base.Sites {
		if s.Affected {
			tmpl = s
			break
		}
	}
	var drills []result.Result
	for k, size := range []string{"s400a", "s400b", "s400c"} {
		r := base
		r.Run.Size, r.Run.ID = size, fmt.Sprintf("%s-%d", base.Run.ID, k)
		r.Sites = make([]result.Site, 400)
		r.Timeline = append([]result.Event(nil), base.Timeline...)
		for i := range r.Sites {
			s := tmpl
			s.ID = fmt.Sprintf("site-%03d", i+1)
			rto := 30 + float64(i)*0.7*float64(k+1)
			s.RTOSeconds = &rto
			r.Sites[i] = s
			r.Timeline = append(r.Timeline, result.Event{Phase: "recover", Kind: "instance", Name: "restore-sites", Site: s.ID, Start: 40 + float64(i), End: 50 + float64(i), Outcome: "ok"})
		}
		r.Metrics.SitesAffected, r.Metrics.SitesRecovered, r.Metrics.SitesTotal = 400*(k+1)/3, 400*(k+1)/3, 400
		worst := 30 + 399*0.7*float64(k+1)
		r.Metrics.RTOSeconds = &worst
		drills = append(drills, r)
	}
	six := 6 * 3600.0
	rep, err := Merge(drills, result.Projection{SitesAffected: 883, TargetSeconds: &six})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestBigCampaignReportStaysUnder2MB(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, bigCampaign(t)); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 2<<20 {
		t.Errorf("3 × 400 sites render to %d bytes, over 2 MB", buf.Len())
	}
	t.Logf("3 × 400 sites: %d bytes", buf.Len())
}

// BenchmarkHTMLBigCampaign: the target is at most 1 s per report.
func BenchmarkHTMLBigCampaign(b *testing.B) {
	rep := bigCampaign(b)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, rep); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/report")
}
