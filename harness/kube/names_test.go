package kube

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestLabelValueKeepsWhatFitsAndEncodesTheRest(t *testing.T) {
	long := strings.Repeat("atlassian-2022-batched-", 4) // 92 characters
	for _, tc := range []struct{ in, want string }{
		{"atlassian-2022-small-20261202T091200Z", "atlassian-2022-small-20261202T091200Z"},
		{"small", "small"},
		{"", ""},
		{"2026-12-02T09:12:00Z", "2026-12-02T09_12_00Z.87a5e2e7"},
		{"ci runner #4", "ci_runner__4.fc10cb38"},
		{"-leading", "leading.58a376df"}, // hashes: printf %s VALUE | sha256sum
		{"§", "h" + hash8("§")},
		{long, strings.TrimRight(long[:54], "-") + "." + hash8(long)},
	} {
		got := LabelValue(tc.in)
		if got != tc.want {
			t.Errorf("LabelValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
			t.Errorf("LabelValue(%q) = %q: Kubernetes refuses it: %v", tc.in, got, errs)
		}
	}
	if LabelValue("a:b") == LabelValue("a_b") {
		t.Error("two values that differ share an encoding")
	}
}

func TestNameMakesADNSLabel(t *testing.T) {
	long := "drill-" + strings.Repeat("atlassian-2022-batched-", 3) + "production-20261202T091200Z-db"
	for _, tc := range []struct{ in, want string }{
		{"drill-atlassian-2022-small-20261202T091200Z", "drill-atlassian-2022-small-20261202t091200z"},
		{"drill-run.1-db", "drill-run-1-db"},
		{"db", "db"},
		{"9lives", "d-9lives"},
		{"--", "d-"},
		{long, strings.TrimRight(strings.ToLower(long)[:54], "-") + "-" + hash8(long)},
	} {
		got := Name(tc.in)
		if got != tc.want {
			t.Errorf("Name(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 && got != "d-" {
			t.Errorf("Name(%q) = %q: not a DNS label: %v", tc.in, got, errs)
		}
	}
}

func TestNormalizeImageAsContainerdNamesIt(t *testing.T) {
	for in, want := range map[string]string{
		"drill/postgres:15":           "docker.io/drill/postgres:15",
		"postgres":                    "docker.io/library/postgres:latest",
		"registry.local:5000/a/b:1":   "registry.local:5000/a/b:1",
		"localhost/x":                 "localhost/x:latest",
		"docker.io/drill/postgres:15": "docker.io/drill/postgres:15",
	} {
		if got := NormalizeImage(in); got != want {
			t.Errorf("NormalizeImage(%q) = %q, want %q", in, got, want)
		}
	}
}
