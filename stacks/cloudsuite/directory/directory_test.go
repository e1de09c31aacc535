package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func identity(t *testing.T, calls *atomic.Int32, state *atomic.Value) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req LookupRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		out := LookupResponse{Sites: map[string]Site{}}
		for _, s := range req.Sites {
			if s == "a" {
				out.Sites[s] = state.Load().(Site)
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLookupCachesForTTLThenSeesDeletion(t *testing.T) {
	var calls atomic.Int32
	var state atomic.Value
	state.Store(Site{State: Live, Products: []string{"tracker"}})
	srv := identity(t, &calls, &state)
	c := New(srv.URL, 100*time.Millisecond)
	ctx := context.Background()

	got, err := c.Lookup(ctx, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if !got["a"].Entitled("tracker") || got["a"].Entitled("wiki") || got["b"].State != Unknown {
		t.Fatalf("first lookup: %+v", got)
	}
	state.Store(Site{State: Deleted})
	if got, _ := c.Lookup(ctx, []string{"a"}); got["a"].State != Live || calls.Load() != 1 {
		t.Fatalf("within the TTL: %+v after %d calls", got, calls.Load())
	}
	time.Sleep(150 * time.Millisecond)
	if got, _ := c.Lookup(ctx, []string{"a"}); got["a"].State != Deleted {
		t.Fatalf("after the TTL the deletion is not seen: %+v", got)
	}
}

func TestTTLIsCapped(t *testing.T) {
	if c := New("http://x", time.Hour); c.ttl != MaxTTL {
		t.Fatalf("ttl %s, want %s", c.ttl, MaxTTL)
	}
	if c := New("http://x", 0); c.ttl != DefaultTTL {
		t.Fatalf("ttl %s, want %s", c.ttl, DefaultTTL)
	}
}

func TestLookupFailsWhenIdentityIsDown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	if _, err := New(srv.URL, 0).Lookup(context.Background(), []string{"a"}); err == nil {
		t.Fatal("a 503 from identity was not an error")
	}
}

// Fifty lookups of one site each, at once (a per-site poll of every site), are answered
// correctly by a few identity calls, not fifty.
func TestConcurrentMissesShareOneIdentityCall(t *testing.T) {
	var calls atomic.Int32
	var state atomic.Value
	state.Store(Site{State: Live, Products: []string{"tracker"}})
	c := New(identity(t, &calls, &state).URL, time.Second)
	var wg sync.WaitGroup
	for i := range 50 {
		site := "b"
		if i%2 == 0 {
			site = "a"
		}
		if i%3 == 0 {
			site = fmt.Sprintf("other-%d", i)
		}
		wg.Go(func() {
			got, err := c.Lookup(context.Background(), []string{site})
			if err != nil {
				t.Error(err)
				return
			}
			if want := site == "a"; got[site].Entitled("tracker") != want {
				t.Errorf("site %s: %+v", site, got[site])
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n > 5 {
		t.Fatalf("%d identity calls for 50 concurrent lookups", n)
	}
}
