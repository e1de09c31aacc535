package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// MaxBody caps request bodies (a canary batch for thousands of sites fits easily).
const MaxBody = 8 << 20

// JSON writes v as the JSON body with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Pinger is what Healthz checks: a database pool.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Healthz answers 200 with {"status": "ok"} plus the given fields while the database answers a
// ping, and 503 with the error otherwise.
func Healthz(db Pinger, fields map[string]string) http.HandlerFunc {
	body := map[string]string{"status": "ok"}
	for k, v := range fields {
		body[k] = v
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			Error(w, http.StatusServiceUnavailable, err.Error())
			return
		}
		JSON(w, http.StatusOK, body)
	}
}

// Error writes {"error": msg} with the given status.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, map[string]string{"error": msg})
}

// Decode reads a JSON body into v. An empty body leaves v as it is and is not an error.
func Decode(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if len(body) > MaxBody {
		return fmt.Errorf("body larger than %d bytes", MaxBody)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

// SplitSites parses a list of site IDs written as "a,b", "a b" or "[a b]" (how a Go template
// prints a list), dropping empty entries.
func SplitSites(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

// IDs is a JSON value that is either one string or an array of strings (a template may give
// either).
type IDs []string

// UnmarshalJSON accepts "a", "a,b" and ["a", "b"].
func (ids *IDs) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*ids = SplitSites(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or an array of strings: %w", err)
	}
	*ids = nil
	for _, s := range many {
		*ids = append(*ids, SplitSites(s)...)
	}
	return nil
}

// Serve runs h on addr until ctx ends, then shuts down gracefully (5 s at most).
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
