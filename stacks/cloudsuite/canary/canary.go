package canary

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// OK is the per-site answer of a successful write.
const OK = "ok"

// WriteRequest is the body of a canary write.
type WriteRequest struct {
	Seq   int64   `json:"seq"`
	Sites web.IDs `json:"sites"`
}

// WriteResponse answers a write: "ok" or an error text per site.
type WriteResponse struct {
	Results map[string]string `json:"results"`
}

// ReadRequest is the body of a canary read (or ?sites=a,b).
type ReadRequest struct {
	Sites web.IDs `json:"sites"`
}

// Gate decides, inside the request's transaction, which sites may be written or read: it
// returns an error text for each site that may not (for example "site not found"). Sites
// absent from the map may.
type Gate func(ctx context.Context, tx pgx.Tx, sites []string) (map[string]string, error)

// Store is the canaries table of one product schema.
type Store struct {
	Pool   *pgxpool.Pool
	Schema string
	Gate   Gate
}

// Write writes seq for every site the gate lets through, in one transaction.
func (s Store) Write(ctx context.Context, seq int64, sites []string) (map[string]string, error) {
	sites = dedupe(sites)
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("canary write: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	results, err := s.Gate(ctx, tx, sites)
	if err != nil {
		return nil, fmt.Errorf("canary write: %w", err)
	}
	var allowed []string
	for _, site := range sites {
		if _, refused := results[site]; !refused {
			allowed = append(allowed, site)
		}
	}
	q := fmt.Sprintf(`INSERT INTO %q.canaries (site_id, seq) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`, s.Schema)
	if _, err := tx.Exec(ctx, q, allowed, seq); err != nil {
		return nil, fmt.Errorf("canary write: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("canary write: commit: %w", err)
	}
	for _, site := range allowed {
		results[site] = OK
	}
	return results, nil
}

// Read returns the sequence numbers present for every site the gate lets through; refused
// sites are absent from the answer.
func (s Store) Read(ctx context.Context, sites []string) (map[string][]int64, error) {
	sites = dedupe(sites)
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("canary read: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	refused, err := s.Gate(ctx, tx, sites)
	if err != nil {
		return nil, fmt.Errorf("canary read: %w", err)
	}
	out := map[string][]int64{}
	for _, site := range sites {
		if _, no := refused[site]; !no {
			out[site] = []int64{}
		}
	}
	q := fmt.Sprintf(`SELECT site_id, array_agg(seq ORDER BY seq) FROM %q.canaries WHERE site_id = ANY($1) GROUP BY site_id`, s.Schema)
	rows, err := tx.Query(ctx, q, sites)
	if err != nil {
		return nil, fmt.Errorf("canary read: %w", err)
	}
	var site string
	var seqs []int64
	_, err = pgx.ForEachRow(rows, []any{&site, &seqs}, func() error {
		if _, readable := out[site]; readable {
			out[site] = seqs
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("canary read: %w", err)
	}
	return out, nil
}

// Register mounts the canary API on mux: POST /canary writes; GET /canary (JSON body or
// ?sites=), GET /canary/read and POST /canary/read read.
func (s Store) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /canary", s.serveWrite)
	mux.HandleFunc("GET /canary", s.serveRead)
	mux.HandleFunc("GET /canary/read", s.serveRead)
	mux.HandleFunc("POST /canary/read", s.serveRead)
}

func (s Store) serveWrite(w http.ResponseWriter, r *http.Request) {
	var req WriteRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	results, err := s.Write(r.Context(), req.Seq, req.Sites)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, WriteResponse{Results: results})
}

func (s Store) serveRead(w http.ResponseWriter, r *http.Request) {
	var req ReadRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if q := r.URL.Query().Get("sites"); q != "" {
		req.Sites = append(req.Sites, web.SplitSites(q)...)
	}
	seqs, err := s.Read(r.Context(), req.Sites)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, seqs)
}

func dedupe(sites []string) []string {
	out := make([]string, 0, len(sites))
	seen := make(map[string]bool, len(sites))
	for _, s := range sites {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return slices.Clip(out)
}
