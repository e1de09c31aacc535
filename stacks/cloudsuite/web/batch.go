package web

import "net/http"

// OK is a batch health answer for a site that passed.
const OK = "ok"

// BatchRequest is the body of POST /batch/health and POST /batch/fingerprint.
type BatchRequest struct {
	Sites IDs `json:"sites"`
}

// BatchResponse answers a batch probe. Results holds per site "ok" or the reason it failed
// (health), or its checksum (fingerprint). Errors, on fingerprints, holds the reason of each
// asked site that has no checksum: such a site is absent from Results.
type BatchResponse struct {
	Results map[string]string `json:"results"`
	Errors  map[string]string `json:"errors,omitempty"`
}

// DecodeBatch reads a BatchRequest and returns its sites, each once, in order; on a bad body
// it writes 400 and returns false.
func DecodeBatch(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	var req BatchRequest
	if err := Decode(r, &req); err != nil {
		Error(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	seen := make(map[string]bool, len(req.Sites))
	sites := make([]string, 0, len(req.Sites))
	for _, s := range req.Sites {
		if !seen[s] {
			seen[s] = true
			sites = append(sites, s)
		}
	}
	return sites, true
}
