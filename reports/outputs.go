package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/drill-dev/drill/result"
)

// Output is one report to write: its kind (html, junit, markdown, json, openmetrics) and its path; an empty
// path means the kind's default name in the output directory (see Outputs.In).
type Output struct {
	Kind, Path string
}

// Outputs is a parsed -r flag value.
type Outputs []Output

// Kinds are the report kinds and their default file names.
var Kinds = map[string]string{
	"html": "report.html", "junit": "junit.xml", "markdown": "summary.md", "json": "result.json",
	"openmetrics": "metrics.prom",
}

// AllOutputs is what drill run writes unless told otherwise: html, junit, markdown and json at
// their default names (openmetrics only when asked for).
func AllOutputs() Outputs {
	return Outputs{{Kind: "html"}, {Kind: "junit"}, {Kind: "markdown"}, {Kind: "json"}}
}

// ParseOutputs parses a -r value: comma-separated KIND=PATH or KIND entries, KIND one of html,
// junit, markdown, json, openmetrics. An empty value is no outputs. A kind named twice is an error.
func ParseOutputs(s string) (Outputs, error) {
	var out Outputs
	seen := map[string]bool{}
	var errs []error
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, path, hasPath := strings.Cut(part, "=")
		kind = strings.ToLower(strings.TrimSpace(kind))
		switch {
		case Kinds[kind] == "":
			errs = append(errs, fmt.Errorf("unknown report kind %q (want html, junit, markdown, json, openmetrics)", kind))
			continue
		case seen[kind]:
			errs = append(errs, fmt.Errorf("report kind %s given twice", kind))
			continue
		case hasPath && strings.TrimSpace(path) == "":
			errs = append(errs, fmt.Errorf("report %s: empty path (write %s alone for the default name)", kind, kind))
			continue
		}
		seen[kind] = true
		out = append(out, Output{Kind: kind, Path: strings.TrimSpace(path)})
	}
	return out, errors.Join(errs...)
}

// In returns the outputs with empty paths set to the default names inside dir.
func (o Outputs) In(dir string) Outputs {
	out := make(Outputs, len(o))
	for i, x := range o {
		if x.Path == "" {
			x.Path = filepath.Join(dir, Kinds[x.Kind])
		}
		out[i] = x
	}
	return out
}

// Path returns the path of the output of kind, or "".
func (o Outputs) Path(kind string) string {
	for _, x := range o {
		if x.Kind == kind {
			return x.Path
		}
	}
	return ""
}

// Write renders rep into every output. Each file is written to a temporary name beside it and
// renamed, so a reader never sees half a report. Parent folders are created.
func Write(rep Report, outs Outputs, opts ...Option) error {
	var errs []error
	for _, o := range outs {
		if o.Path == "" {
			errs = append(errs, fmt.Errorf("report %s: no path", o.Kind))
			continue
		}
		var buf bytes.Buffer
		var err error
		switch o.Kind {
		case "html":
			err = WriteHTML(&buf, rep, opts...)
		case "junit":
			err = WriteJUnit(&buf, rep, opts...)
		case "markdown":
			err = WriteMarkdown(&buf, rep, opts...)
		case "json":
			err = WriteJSON(&buf, rep, opts...)
		case "openmetrics":
			err = WriteOpenMetrics(&buf, rep, opts...)
		default:
			err = fmt.Errorf("unknown report kind %q", o.Kind)
		}
		if err == nil {
			err = writeFile(o.Path, buf.Bytes())
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// merged is the JSON of a report that is neither one drill nor one campaign.
type merged struct {
	Schema    string            `json:"schema"`
	Campaigns []result.Campaign `json:"campaigns,omitempty"`
	Drills    []result.Result   `json:"drills"`
	Notes     []string          `json:"notes,omitempty"`
}

// WriteJSON writes the report as JSON: a result file for one drill, a campaign file when the
// report is one campaign, otherwise a drill.report/v1 file with every campaign and drill. Load
// reads all three back.
func WriteJSON(w io.Writer, rep Report, opts ...Option) error {
	rep = redacted(rep, newConfig(opts).secrets)
	var v any
	switch {
	case len(rep.Drills) == 1 && len(rep.Campaigns) == 0:
		v = rep.Drills[0]
	case len(rep.Campaigns) == 1 && len(rep.Campaigns[0].Drills) == len(rep.Drills) && len(rep.Notes) == 0:
		v = rep.Campaigns[0]
	default:
		v = merged{Schema: ReportSchemaVersion, Campaigns: rep.Campaigns, Drills: rep.Drills, Notes: rep.Notes}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}

// Load reads the drills of a result, campaign or merged report file.
func Load(r io.Reader) ([]result.Result, error) {
	b, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, err
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, err
	}
	switch head.Schema {
	case result.SchemaVersion:
		var res result.Result
		err := json.Unmarshal(b, &res)
		return []result.Result{res}, err
	case result.CampaignSchemaVersion:
		var c result.Campaign
		err := json.Unmarshal(b, &c)
		return c.Drills, err
	case ReportSchemaVersion:
		var m merged
		err := json.Unmarshal(b, &m)
		return m.Drills, err
	}
	known := []string{result.SchemaVersion, result.CampaignSchemaVersion, ReportSchemaVersion}
	sort.Strings(known)
	return nil, fmt.Errorf("unknown schema %q (want %s)", head.Schema, strings.Join(known, ", "))
}

// LoadFiles reads every file with Load, naming the file in errors.
func LoadFiles(paths ...string) ([]result.Result, error) {
	var out []result.Result
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		rs, err := Load(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}
