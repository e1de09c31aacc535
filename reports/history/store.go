package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/drill-dev/drill/result"
)

// Row is one finished drill as the trend shows it.
type Row struct {
	RunID    string
	Scenario string
	Size     string
	Shard    string
	Started  time.Time
	Verdict  result.Verdict
	Expected bool
	// Expect is what a negative control declares (nil: not one) and Breaches the objectives
	// the run breached: with Verdict and Expected they are what the run means (Outcome).
	Expect               *result.Expect
	Breaches             []string
	Reason               string
	RTOSeconds           *float64 // nil: not measured, or a site did not recover
	RPOSeconds           *float64
	SitesAffected        int
	SitesRecovered       int
	LostWrites           int
	CollateralLostWrites int
	DrillVersion         string
}

// Store is an open history file. It is safe for use by several goroutines; the caller must
// Close it.
type Store struct {
	db   *sql.DB
	path string
}

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	run_id TEXT PRIMARY KEY,
	scenario TEXT NOT NULL,
	size TEXT NOT NULL,
	shard TEXT NOT NULL DEFAULT '',
	started TEXT NOT NULL,
	verdict TEXT NOT NULL,
	expected INTEGER NOT NULL,
	reason TEXT NOT NULL,
	rto_seconds REAL,
	rpo_seconds REAL,
	sites_affected INTEGER NOT NULL,
	sites_recovered INTEGER NOT NULL,
	lost_writes INTEGER NOT NULL,
	collateral_lost_writes INTEGER NOT NULL,
	drill_version TEXT NOT NULL,
	result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_trend ON runs (scenario, size, started);`

// Open opens (creating it and its folder when absent) the history file at path.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Record stores a finished drill; recording a run ID again replaces its row.
func (s *Store) Record(ctx context.Context, r result.Result) error {
	_, err := s.Import(ctx, []result.Result{r})
	return err
}

// Import records several results in one transaction and returns how many it stored. Results
// without a run ID are refused.
func (s *Store) Import(ctx context.Context, rs []result.Result) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("history import: %w", err)
	}
	defer tx.Rollback()
	for _, r := range rs {
		if r.Run.ID == "" {
			return 0, fmt.Errorf("history import: %s[%s]: result has no run id", r.Run.Scenario, r.Run.Size)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return 0, fmt.Errorf("history import %s: %w", r.Run.ID, err)
		}
		m := r.Metrics
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.Run.ID, r.Run.Scenario, r.Run.Size, r.Run.Shard, r.Run.Started.UTC().Format(time.RFC3339Nano),
			string(r.Verdict), r.Expected, r.Reason, m.RTOSeconds, m.RPOSeconds, m.SitesAffected,
			m.SitesRecovered, m.LostWrites, m.CollateralLostWrites, r.Run.Repro.DrillVersion, string(b))
		if err != nil {
			return 0, fmt.Errorf("history import %s: %w", r.Run.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("history import: %w", err)
	}
	return len(rs), nil
}

// Trend returns the last limit runs, newest first, of scenario at size; an empty scenario or
// size matches all. limit ≤ 0 means 20.
func (s *Store) Trend(ctx context.Context, scenario, size string, limit int) ([]Row, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, scenario, size, shard, started, verdict, expected, reason,
		rto_seconds, rpo_seconds, sites_affected, sites_recovered, lost_writes, collateral_lost_writes, drill_version,
		coalesce(json_extract(result, '$.expect'), ''), coalesce(json_extract(result, '$.objectives'), '')
		FROM runs WHERE (?1 = '' OR scenario = ?1) AND (?2 = '' OR size = ?2)
		ORDER BY started DESC, run_id DESC LIMIT ?3`, scenario, size, limit)
	if err != nil {
		return nil, fmt.Errorf("history trend: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var started, verdict string
		var expect, objectives string
		var rto, rpo sql.NullFloat64
		if err := rows.Scan(&r.RunID, &r.Scenario, &r.Size, &r.Shard, &started, &verdict, &r.Expected, &r.Reason,
			&rto, &rpo, &r.SitesAffected, &r.SitesRecovered, &r.LostWrites, &r.CollateralLostWrites, &r.DrillVersion,
			&expect, &objectives); err != nil {
			return nil, fmt.Errorf("history trend: %w", err)
		}
		if err := r.judged(expect, objectives); err != nil {
			return nil, fmt.Errorf("history trend %s: %w", r.RunID, err)
		}
		r.Verdict = result.Verdict(verdict)
		r.Started, _ = time.Parse(time.RFC3339Nano, started)
		if rto.Valid {
			r.RTOSeconds = &rto.Float64
		}
		if rpo.Valid {
			r.RPOSeconds = &rpo.Float64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// judged fills the row's Expect and Breaches from the stored result's expect and objectives
// (JSON, empty when absent).
func (r *Row) judged(expect, objectives string) error {
	if expect != "" {
		r.Expect = &result.Expect{}
		if err := json.Unmarshal([]byte(expect), r.Expect); err != nil {
			return fmt.Errorf("expect: %w", err)
		}
	}
	if objectives != "" {
		var objs []result.Objective
		if err := json.Unmarshal([]byte(objectives), &objs); err != nil {
			return fmt.Errorf("objectives: %w", err)
		}
		r.Breaches = result.Breaches(objs)
	}
	return nil
}

// Outcome is what the run means, as result.OutcomeOf says of the result it was recorded from:
// a negative control that did not catch what it declares is NOT CAUGHT, never PASS.
func (r Row) Outcome() result.Outcome {
	return result.Judge(r.Verdict, r.Expect, r.Expected, r.Breaches)
}
