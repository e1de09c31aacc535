package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

func TestHealthzAnswersWithTheDatabase(t *testing.T) {
	for _, tc := range []struct {
		db   pinger
		code int
		body string
	}{
		{pinger{}, http.StatusOK, `"product":"wiki"`},
		{pinger{errors.New("connection refused")}, http.StatusServiceUnavailable, "connection refused"},
	} {
		rec := httptest.NewRecorder()
		Healthz(tc.db, map[string]string{"product": "wiki"})(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%d %s, want %d with %s", rec.Code, rec.Body, tc.code, tc.body)
		}
	}
}
