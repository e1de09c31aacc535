package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// bigScenario is a valid scenario of about size bytes: many recover steps with templates.
func bigScenario(size int) []byte {
	var b strings.Builder
	b.WriteString(scenarioHead)
	b.WriteString("inject: [{action: delete, foreach: {sites: {fraction: 0.25}}, with: {ids: '{{.Site}}', mode: permanent}}]\nrecover:\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  - name: step %d\n    action: restore-sites\n    foreach: affected\n    concurrency: 4\n    with: {sites: '{{.Site}}', parallel: \"%d\"}\n", i, i%8+1)
		fmt.Fprintf(&b, "  - {http: {service: identity, method: POST, path: '/sites/{{join .Sites \",\"}}/n%d', body: '{\"at\": {{json (pgtime (before .T0 \"1s\"))}}}'}}\n", i)
	}
	return []byte(b.String())
}

func BenchmarkLoad1MB(b *testing.B) {
	data := bigScenario(1 << 20)
	if _, err := LoadBytes("big.yaml", data, WithEnv(testEnv)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes("big.yaml", data, WithEnv(testEnv)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAliasBomb(b *testing.B) {
	data := aliasBomb()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes("bomb.yaml", data, WithEnv(testEnv)); err == nil {
			b.Fatal("the bomb loaded")
		}
	}
}

func BenchmarkWideAliases4MiB(b *testing.B) {
	data := wideAliases()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes("wide.yaml", data, WithEnv(testEnv)); err == nil {
			b.Fatal("loaded")
		}
	}
}
