package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/canary"
	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/contacts"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
	"github.com/drill-dev/drill/stacks/cloudsuite/fingerprint"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// Server is the identity service. SoftDelete selects what mode "mark" does; ExportDir, when set,
// is where POST /admin/export writes contacts exports.
type Server struct {
	Pool       *pgxpool.Pool
	SoftDelete bool
	ExportDir  string
	Log        *slog.Logger
}

// Handler returns identity's HTTP API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", web.Healthz(s.Pool, nil))
	mux.HandleFunc("GET /admin/sites", s.listSites)
	mux.HandleFunc("POST /sites/lookup", s.serveLookup)
	mux.HandleFunc("GET /sites/{site}", s.site)
	mux.HandleFunc("GET /sites/{site}/health", s.health)
	mux.HandleFunc("GET /sites/{site}/fingerprint", s.fingerprint)
	mux.HandleFunc("POST /batch/health", s.batchHealth)
	mux.HandleFunc("POST /batch/fingerprint", s.batchFingerprint)
	mux.HandleFunc("POST /admin/delete", s.delete)
	mux.HandleFunc("POST /admin/undelete", s.undelete)
	mux.HandleFunc("GET /admin/contacts", s.contacts)
	mux.HandleFunc("POST /admin/export", s.export)
	canary.Store{Pool: s.Pool, Schema: catalog.Identity, Gate: s.gate}.Register(mux)
	return mux
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request) {
	rows, err := s.Pool.Query(r.Context(), `SELECT site_id FROM identity.sites WHERE deleted_at IS NULL ORDER BY ordinal, site_id`)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	sites, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, append([]string{}, sites...))
}

// Lookup answers for each site whether it is live, marked deleted or unknown, with its live apps.
func Lookup(ctx context.Context, q pgxQuerier, sites []string) (map[string]directory.Site, error) {
	rows, err := q.Query(ctx, `
		SELECT s.site_id, s.deleted_at IS NOT NULL,
		       coalesce(array_agg(a.product ORDER BY a.product) FILTER (WHERE a.app_id IS NOT NULL AND a.deleted_at IS NULL), '{}')
		FROM identity.sites s LEFT JOIN identity.apps a ON a.site_id = s.site_id
		WHERE s.site_id = ANY($1) GROUP BY s.site_id, s.deleted_at`, sites)
	if err != nil {
		return nil, fmt.Errorf("lookup sites: %w", err)
	}
	out := make(map[string]directory.Site, len(sites))
	for _, site := range sites {
		out[site] = directory.Site{State: directory.Unknown}
	}
	var site string
	var deleted bool
	var products []string
	_, err = pgx.ForEachRow(rows, []any{&site, &deleted, &products}, func() error {
		if deleted {
			out[site] = directory.Site{State: directory.Deleted}
		} else {
			out[site] = directory.Site{State: directory.Live, Products: products}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lookup sites: %w", err)
	}
	return out, nil
}

type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (s *Server) serveLookup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Sites web.IDs `json:"sites"`
	}
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	sites, err := Lookup(r.Context(), s.Pool, req.Sites)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, directory.LookupResponse{Sites: sites})
}

// state answers a site's HTTP status: 200 live, 410 marked deleted, 404 unknown.
func (s *Server) state(ctx context.Context, site string) (directory.Site, int, error) {
	sites, err := Lookup(ctx, s.Pool, []string{site})
	if err != nil {
		return directory.Site{}, http.StatusServiceUnavailable, err
	}
	switch st := sites[site]; st.State {
	case directory.Live:
		return st, http.StatusOK, nil
	case directory.Deleted:
		return st, http.StatusGone, errors.New("site deleted")
	default:
		return st, http.StatusNotFound, errors.New("site not found")
	}
}

func (s *Server) site(w http.ResponseWriter, r *http.Request) {
	st, code, err := s.state(r.Context(), r.PathValue("site"))
	if err != nil {
		web.Error(w, code, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, st)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	site := r.PathValue("site")
	if _, code, err := s.state(r.Context(), site); err != nil {
		web.Error(w, code, err.Error())
		return
	}
	p, _ := catalog.Lookup(catalog.Identity)
	if err := store.CheckSite(r.Context(), s.Pool, p, site); errors.Is(err, store.ErrNoRecords) {
		web.Error(w, http.StatusNotFound, err.Error())
		return
	} else if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) fingerprint(w http.ResponseWriter, r *http.Request) {
	site := r.PathValue("site")
	if _, code, err := s.state(r.Context(), site); err != nil {
		web.Error(w, code, err.Error())
		return
	}
	p, _ := catalog.Lookup(catalog.Identity)
	sum, err := fingerprint.Product(r.Context(), s.Pool, p, site)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintln(w, sum)
}

// gate lets canaries through for live sites only.
func (s *Server) gate(ctx context.Context, tx pgx.Tx, sites []string) (map[string]string, error) {
	states, err := Lookup(ctx, tx, sites)
	if err != nil {
		return nil, err
	}
	refused := map[string]string{}
	for site, st := range states {
		switch st.State {
		case directory.Deleted:
			refused[site] = "site deleted"
		case directory.Unknown:
			refused[site] = "site not found"
		}
	}
	return refused, nil
}

func (s *Server) contacts(w http.ResponseWriter, r *http.Request) {
	found, err := contacts.Query(r.Context(), s.Pool, web.SplitSites(r.URL.Query().Get("sites")))
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, found)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	if s.ExportDir == "" {
		web.Error(w, http.StatusConflict, "no export directory (EXPORT_DIR)")
		return
	}
	path, err := contacts.WriteExport(r.Context(), s.Pool, s.ExportDir)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"path": path, "at": time.Now().UTC().Format(time.RFC3339Nano)})
}
