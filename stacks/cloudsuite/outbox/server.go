package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// Notice is one notice sent to one contact.
type Notice struct {
	ID        int64     `json:"id,omitempty"`
	Site      string    `json:"site"`
	ContactID int64     `json:"contact_id"`
	Email     string    `json:"email"`
	Subject   string    `json:"subject"`
	Source    string    `json:"source"` // where the contact came from: identity or export
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// SendRequest is the body of POST /notices.
type SendRequest struct {
	Notices []Notice `json:"notices"`
}

// Server is the outbox service.
type Server struct {
	Pool *pgxpool.Pool
	Log  *slog.Logger
}

// Handler returns the outbox API: POST /notices records, GET /notices?sites= lists, GET
// /notices/check?sites= checks that every site has a notice.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", web.Healthz(s.Pool, nil))
	mux.HandleFunc("POST /notices", s.send)
	mux.HandleFunc("GET /notices", s.list)
	mux.HandleFunc("GET /notices/check", s.check)
	return mux
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var req SendRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	rows := make([][]any, len(req.Notices))
	for i, n := range req.Notices {
		if n.Site == "" || n.Email == "" {
			web.Error(w, http.StatusBadRequest, fmt.Sprintf("notice %d: site and email are required", i))
			return
		}
		rows[i] = []any{n.Site, n.ContactID, n.Email, n.Subject, n.Source}
	}
	_, err := s.Pool.CopyFrom(r.Context(), pgx.Identifier{"outbox", "notices"},
		[]string{"site_id", "contact_id", "email", "subject", "source"}, pgx.CopyFromRows(rows))
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	s.Log.Info("notices recorded", "count", len(rows))
	web.JSON(w, http.StatusOK, map[string]int{"recorded": len(rows)})
}

// List returns the notices of the given sites (all when none), oldest first.
func List(ctx context.Context, pool *pgxpool.Pool, sites []string) ([]Notice, error) {
	q := `SELECT notice_id, site_id, contact_id, email, subject, source, sent_at FROM outbox.notices`
	args := []any{}
	if len(sites) > 0 {
		q += ` WHERE site_id = ANY($1)`
		args = append(args, sites)
	}
	rows, err := pool.Query(ctx, q+` ORDER BY notice_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	var n Notice
	out := []Notice{}
	_, err = pgx.ForEachRow(rows, []any{&n.ID, &n.Site, &n.ContactID, &n.Email, &n.Subject, &n.Source, &n.SentAt}, func() error {
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	return out, nil
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	notices, err := List(r.Context(), s.Pool, web.SplitSites(r.URL.Query().Get("sites")))
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"notices": notices})
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	sites := web.SplitSites(r.URL.Query().Get("sites"))
	rows, err := s.Pool.Query(r.Context(), `SELECT DISTINCT site_id FROM outbox.notices WHERE site_id = ANY($1)`, sites)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	notified, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	done := map[string]bool{}
	for _, s := range notified {
		done[s] = true
	}
	waiting := []string{}
	for _, s := range sites {
		if !done[s] {
			waiting = append(waiting, s)
		}
	}
	code := http.StatusOK
	if len(waiting) > 0 {
		code = http.StatusNotFound
	}
	web.JSON(w, code, map[string]any{"notified": len(sites) - len(waiting), "waiting": waiting})
}
