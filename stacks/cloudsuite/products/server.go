package products

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/canary"
	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
	"github.com/drill-dev/drill/stacks/cloudsuite/fingerprint"
	"github.com/drill-dev/drill/stacks/cloudsuite/statuspage"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// Server serves one product.
type Server struct {
	Product   catalog.Product
	Pool      *pgxpool.Pool
	Directory *directory.Client
	Log       *slog.Logger
}

// Handler returns the product's HTTP API: /healthz, per-site health, fingerprint, a listing of
// the product's records, links (wiki and pager), the batch forms of health and fingerprint
// (POST /batch/health, /batch/fingerprint with {"sites": [...]}) and the canary API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", web.Healthz(s.Pool, map[string]string{"product": s.Product.Name}))
	mux.HandleFunc("GET /sites/{site}/health", s.health)
	mux.HandleFunc("GET /sites/{site}/fingerprint", s.fingerprint)
	mux.HandleFunc("GET /sites/{site}/links", s.links)
	mux.HandleFunc("GET /sites/{site}/"+s.Product.Main, s.list)
	mux.HandleFunc("POST /batch/health", s.batchHealth)
	mux.HandleFunc("POST /batch/fingerprint", s.batchFingerprint)
	canary.Store{Pool: s.Pool, Schema: s.Product.Name, Gate: s.gate}.Register(mux)
	if s.Product.Name == catalog.Status {
		statuspage.Register(mux, s.Pool)
	}
	return mux
}

// errStatus carries the HTTP status of a refusal.
type errStatus struct {
	code int
	msg  string
}

func (e errStatus) Error() string { return e.msg }

// refusals returns an error text for each site this product must not serve, asking identity
// and then its own registration table (through q, the request's transaction or the pool).
func (s *Server) refusals(ctx context.Context, q querier, sites []string) (map[string]errStatus, error) {
	states, err := s.Directory.Lookup(ctx, sites)
	if err != nil {
		return nil, err
	}
	refused := map[string]errStatus{}
	var entitled []string
	for _, site := range sites {
		if e, no := s.identityRefusal(states[site]); no {
			refused[site] = e
			continue
		}
		entitled = append(entitled, site)
	}
	rows, err := q.Query(ctx, fmt.Sprintf(`SELECT site_id FROM %q.sites WHERE site_id = ANY($1)`, s.Product.Name), entitled)
	if err != nil {
		return nil, fmt.Errorf("registered sites: %w", err)
	}
	present, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("registered sites: %w", err)
	}
	here := make(map[string]bool, len(present))
	for _, p := range present {
		here[p] = true
	}
	for _, site := range entitled {
		if !here[site] {
			refused[site] = s.noData()
		}
	}
	return refused, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (s *Server) gate(ctx context.Context, tx pgx.Tx, sites []string) (map[string]string, error) {
	refused, err := s.refusals(ctx, tx, sites)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(refused))
	for site, e := range refused {
		out[site] = e.msg
	}
	return out, nil
}

// identityRefusal is why identity's answer st forbids this product to serve the site, if it does.
func (s *Server) identityRefusal(st directory.Site) (errStatus, bool) {
	switch {
	case st.State == directory.Deleted:
		return errStatus{http.StatusGone, "site deleted"}, true
	case st.State != directory.Live:
		return errStatus{http.StatusNotFound, "site not found"}, true
	case !st.Entitled(s.Product.Name):
		return errStatus{http.StatusNotFound, "site not entitled to " + s.Product.Name}, true
	}
	return errStatus{}, false
}

// noData is the refusal of a site this product has no registration of.
func (s *Server) noData() errStatus {
	return errStatus{http.StatusNotFound, "site has no data in " + s.Product.Name}
}

// serveSite checks that the site may be served and writes the refusal when not.
func (s *Server) serveSite(w http.ResponseWriter, r *http.Request) (string, bool) {
	site := r.PathValue("site")
	refused, err := s.refusals(r.Context(), s.Pool, []string{site})
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return "", false
	}
	if e, no := refused[site]; no {
		web.Error(w, e.code, e.msg)
		return "", false
	}
	return site, true
}

// health answers 200 when identity has the site live and entitled, this product has it, and
// every table of the site's data is readable with records in the main table.
// The registration and every table are read in one statement (store.CheckRegisteredSite).
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	site := r.PathValue("site")
	states, err := s.Directory.Lookup(r.Context(), []string{site})
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if e, no := s.identityRefusal(states[site]); no {
		web.Error(w, e.code, e.msg)
		return
	}
	err = store.CheckRegisteredSite(r.Context(), s.Pool, s.Product, site)
	if errors.Is(err, store.ErrNotRegistered) {
		e := s.noData()
		web.Error(w, e.code, e.msg)
		return
	}
	if errors.Is(err, store.ErrNoRecords) {
		web.Error(w, http.StatusNotFound, err.Error())
		return
	} else if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) fingerprint(w http.ResponseWriter, r *http.Request) {
	site, ok := s.serveSite(w, r)
	if !ok {
		return
	}
	sum, err := fingerprint.Product(r.Context(), s.Pool, s.Product, site)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintln(w, sum)
}

// links answers {"broken": N, "total": M}: records of this product whose issue_id has no
// issue in tracker for the same site.
func (s *Server) links(w http.ResponseWriter, r *http.Request) {
	if s.Product.LinksTo == "" {
		web.Error(w, http.StatusNotFound, s.Product.Name+" has no links")
		return
	}
	site, ok := s.serveSite(w, r)
	if !ok {
		return
	}
	var total, broken int64
	q := fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
		SELECT 1 FROM tracker.issues i WHERE i.site_id = m.site_id AND i.issue_id = m.issue_id))
		FROM %q.%q m WHERE m.site_id = $1`, s.Product.Name, s.Product.Main)
	if err := s.Pool.QueryRow(r.Context(), q, site).Scan(&total, &broken); err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]int64{"broken": broken, "total": total})
}

// list answers the site's first 50 records of the product's main table, in key order.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	site, ok := s.serveSite(w, r)
	if !ok {
		return
	}
	t, _ := s.Product.Table(s.Product.Main)
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE site_id = $1 ORDER BY %s LIMIT 50`, t.ColumnList(false), t.QualifiedName(), t.KeyList())
	rows, err := s.Pool.Query(r.Context(), q, site)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	records, err := pgx.CollectRows(rows, pgx.RowToMap)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{s.Product.Main: append([]map[string]any{}, records...)})
}
