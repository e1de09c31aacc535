package statuspage

import (
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// PostRequest is the body of POST /platform/incidents.
type PostRequest struct {
	Title string  `json:"title"`
	Sites web.IDs `json:"sites"`
}

// Register adds the platform status page to mux: POST /platform/incidents posts an incident
// naming sites; GET /platform/incidents/check?sites=a,b answers 200 when every site is named by
// a posted incident, else 404 with the sites still waiting.
func Register(mux *http.ServeMux, pool *pgxpool.Pool) {
	mux.HandleFunc("POST /platform/incidents", func(w http.ResponseWriter, r *http.Request) { post(w, r, pool) })
	mux.HandleFunc("GET /platform/incidents/check", func(w http.ResponseWriter, r *http.Request) { check(w, r, pool) })
}

func post(w http.ResponseWriter, r *http.Request, pool *pgxpool.Pool) {
	var req PostRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.Title == "" || len(req.Sites) == 0 {
		web.Error(w, http.StatusBadRequest, "an incident needs a title and at least one site")
		return
	}
	var id int64
	err := pool.QueryRow(r.Context(), `INSERT INTO status.platform_incidents (title, sites) VALUES ($1, $2) RETURNING incident_id`,
		req.Title, []string(req.Sites)).Scan(&id)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	web.JSON(w, http.StatusCreated, map[string]any{"incident_id": id, "sites": len(req.Sites)})
}

func check(w http.ResponseWriter, r *http.Request, pool *pgxpool.Pool) {
	sites := web.SplitSites(r.URL.Query().Get("sites"))
	rows, err := pool.Query(r.Context(), `SELECT DISTINCT s FROM status.platform_incidents, unnest(sites) AS s WHERE s = ANY($1)`, sites)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	posted, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	done := map[string]bool{}
	for _, s := range posted {
		done[s] = true
	}
	waiting := []string{}
	for _, s := range sites {
		if !done[s] {
			waiting = append(waiting, s)
		}
	}
	code := http.StatusOK
	if len(waiting) > 0 || len(sites) == 0 {
		code = http.StatusNotFound
	}
	web.JSON(w, code, map[string]any{"posted": len(sites) - len(waiting), "waiting": waiting})
}
