package products

import (
	"net/http"

	"github.com/drill-dev/drill/stacks/cloudsuite/fingerprint"
	"github.com/drill-dev/drill/stacks/cloudsuite/store"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// served splits the asked sites into those this product serves and the refusal text of each
// other one; when the refusals cannot be decided, every site gets that error.
func (s *Server) served(r *http.Request, sites []string) ([]string, map[string]string) {
	reasons := map[string]string{}
	refused, err := s.refusals(r.Context(), s.Pool, sites)
	if err != nil {
		for _, site := range sites {
			reasons[site] = err.Error()
		}
		return nil, reasons
	}
	var ok []string
	for _, site := range sites {
		if e, no := refused[site]; no {
			reasons[site] = e.msg
		} else {
			ok = append(ok, site)
		}
	}
	return ok, reasons
}

// batchHealth answers POST /batch/health: per site "ok" or the error text GET
// /sites/{site}/health answers, set-based (one identity lookup, one query per table).
func (s *Server) batchHealth(w http.ResponseWriter, r *http.Request) {
	sites, ok := web.DecodeBatch(w, r)
	if !ok {
		return
	}
	serve, results := s.served(r, sites)
	for site, err := range store.CheckSites(r.Context(), s.Pool, s.Product, serve) {
		results[site] = web.OK
		if err != nil {
			results[site] = err.Error()
		}
	}
	web.JSON(w, http.StatusOK, web.BatchResponse{Results: results})
}

// batchFingerprint answers POST /batch/fingerprint: per served site the checksum GET
// /sites/{site}/fingerprint answers, set-based; every other site is in errors with the reason.
func (s *Server) batchFingerprint(w http.ResponseWriter, r *http.Request) {
	sites, ok := web.DecodeBatch(w, r)
	if !ok {
		return
	}
	serve, reasons := s.served(r, sites)
	sums, err := fingerprint.ProductSites(r.Context(), s.Pool, s.Product, serve)
	if err != nil {
		for _, site := range serve {
			reasons[site] = err.Error()
		}
		sums = map[string]string{}
	}
	web.JSON(w, http.StatusOK, web.BatchResponse{Results: sums, Errors: reasons})
}
