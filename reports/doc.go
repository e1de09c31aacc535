// Package reports renders drill results for their three readers: CI (JUnit XML, exit-code
// friendly Markdown for the job summary), engineers (the evidence: timeline, per-site rows,
// methodology, reproducibility) and managers (a verdict first). The HTML report is one
// self-contained file with inline SVG charts and no script, which still reads well when a CI
// server blocks its stylesheet. Merge groups several results into campaigns (one scenario at
// several sizes) and suites (shards of a catalogue run); the history store lives in
// reports/history.
package reports
