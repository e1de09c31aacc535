package scenarios

import (
	"reflect"
	"testing"
	"time"
)

func templateData() TemplateData {
	return TemplateData{
		Site:  "s3",
		Sites: []string{"s1", "s3"},
		Size:  map[string]string{"sites": "8", "records": "200"},
		Args:  map[string]any{"ids": "s3", "sites": []string{"s1", "s3"}},
		T0:    time.Date(2022, 4, 5, 7, 38, 0, 123456000, time.UTC),
		Run:   "r-1",
		Seed:  42,
	}
}

func TestRender(t *testing.T) {
	d := templateData()
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"/sites/{{.Site}}/health", "/sites/s3/health"},
		{`{{pgtime (before .T0 "1s")}}`, "2022-04-05 07:37:59.123456+00"},
		{`{{pgtime (after .T0 "1d12h")}}`, "2022-04-06 19:38:00.123456+00"},
		{`{{rfc3339 .T0}}`, "2022-04-05T07:38:00.123456Z"},
		{`{{unix .T0}}`, "1649144280"},
		{`{{json .Args.sites}}`, `["s1","s3"]`},
		{`{{json (list .Args.ids)}}`, `["s3"]`},
		{`{{join .Sites ","}}`, "s1,s3"},
		{`{{quote .Site}}`, `"s3"`},
		{`{{.Size.sites}}x{{.Size.records}} {{.Run}} {{.Seed}}`, "8x200 r-1 42"},
	}
	for _, c := range cases {
		got, err := Render(c.in, d)
		if err != nil {
			t.Errorf("Render(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Render(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	d := templateData()
	for _, in := range []string{`{{.Size.nope}}`, `{{before .T0 "5"}}`, `{{.Args.missing}}`, `{{nofunc}}`} {
		if _, err := Render(in, d); err == nil {
			t.Errorf("Render(%q): want an error", in)
		}
	}
}

func TestRenderArg(t *testing.T) {
	d := templateData()
	cases := []struct {
		in   string
		want any
	}{
		{"{{.Sites}}", []string{"s1", "s3"}},
		{"{{ .Args.sites }}", []string{"s1", "s3"}},
		{"{{list .Site}}", []string{"s3"}},
		{"{{.Site}}", "s3"},
		{"site-{{.Site}}", "site-s3"},
		{`{{join .Sites ","}}`, "s1,s3"},
		{"literal", "literal"},
	}
	for _, c := range cases {
		got, err := RenderArg(c.in, d)
		if err != nil {
			t.Errorf("RenderArg(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("RenderArg(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}
