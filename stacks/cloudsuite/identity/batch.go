package identity

import (
	"net/http"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/directory"
	"github.com/drill-dev/drill/stacks/cloudsuite/fingerprint"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// live splits the asked sites into the live ones and the reason of each other one (the texts of
// GET /sites/{site}), with one lookup; when the lookup fails, every site gets its error.
func (s *Server) live(r *http.Request, sites []string) ([]string, map[string]string) {
	reasons := map[string]string{}
	states, err := Lookup(r.Context(), s.Pool, sites)
	if err != nil {
		for _, site := range sites {
			reasons[site] = err.Error()
		}
		return nil, reasons
	}
	var live []string
	for _, site := range sites {
		switch states[site].State {
		case directory.Live:
			live = append(live, site)
		case directory.Deleted:
			reasons[site] = "site deleted"
		default:
			reasons[site] = "site not found"
		}
	}
	return live, reasons
}

// batchHealth answers POST /batch/health: per site "ok" or the error text of GET
// /sites/{site}/health, set-based.
func (s *Server) batchHealth(w http.ResponseWriter, r *http.Request) {
	sites, ok := web.DecodeBatch(w, r)
	if !ok {
		return
	}
	live, results := s.live(r, sites)
	p, _ := catalog.Lookup(catalog.Identity)
	for site, err := range store.CheckSites(r.Context(), s.Pool, p, live) {
		results[site] = web.OK
		if err != nil {
			results[site] = err.Error()
		}
	}
	web.JSON(w, http.StatusOK, web.BatchResponse{Results: results})
}

// batchFingerprint answers POST /batch/fingerprint: per live site the checksum of GET
// /sites/{site}/fingerprint, set-based; every other site is in errors with the reason.
func (s *Server) batchFingerprint(w http.ResponseWriter, r *http.Request) {
	sites, ok := web.DecodeBatch(w, r)
	if !ok {
		return
	}
	live, reasons := s.live(r, sites)
	p, _ := catalog.Lookup(catalog.Identity)
	sums, err := fingerprint.ProductSites(r.Context(), s.Pool, p, live)
	if err != nil {
		for _, site := range live {
			reasons[site] = err.Error()
		}
		sums = map[string]string{}
	}
	web.JSON(w, http.StatusOK, web.BatchResponse{Results: sums, Errors: reasons})
}
