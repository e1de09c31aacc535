package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// State is a site's state in identity.
type State string

// The states identity answers.
const (
	Live    State = "live"    // the site exists and is not marked deleted
	Deleted State = "deleted" // marked deleted (soft delete): hidden, can be undeleted
	Unknown State = "unknown" // no such site (never existed, or permanently deleted)
)

// Site is identity's answer for one site.
type Site struct {
	State State `json:"state"`
	// Products are the products the site is entitled to (its live apps).
	Products []string `json:"products,omitempty"`
}

// Entitled reports whether the site is live and entitled to product.
func (s Site) Entitled(product string) bool {
	return s.State == Live && slices.Contains(s.Products, product)
}

// LookupRequest is the body of POST /sites/lookup.
type LookupRequest struct {
	Sites []string `json:"sites"`
}

// LookupResponse is identity's answer to POST /sites/lookup: every asked site appears.
type LookupResponse struct {
	Sites map[string]Site `json:"sites"`
}

// DefaultTTL is how long an answer is reused.
const DefaultTTL = 500 * time.Millisecond

// MaxTTL bounds the cache so that deletion shows quickly.
const MaxTTL = time.Second

// Client asks identity about sites. It is safe for concurrent use.
type Client struct {
	base string
	ttl  time.Duration
	http *http.Client

	mu    sync.Mutex
	cache map[string]entry
	// gathering is the identity request being gathered, which cache misses join.
	gathering *gather
}

// gatherWindow is how long the first cache miss waits for others to join its identity
// request: many per-site requests at once (a poll of every site) cost a few identity calls,
// not one each. The request is sent after the window, so it reads identity's state after
// every joiner arrived: no answer is older than its lookup.
const gatherWindow = time.Millisecond

// gather is one identity request for the sites of every lookup that joined it.
type gather struct {
	sites map[string]bool
	done  chan struct{}
	res   map[string]Site
	err   error
}

type entry struct {
	site    Site
	expires time.Time
}

// New returns a client of identity at baseURL (http://identity:8080). ttl of zero means
// DefaultTTL; a ttl above MaxTTL is cut to MaxTTL.
func New(baseURL string, ttl time.Duration) *Client {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	ttl = min(ttl, MaxTTL)
	return &Client{
		base:  strings.TrimSuffix(baseURL, "/"),
		ttl:   ttl,
		http:  &http.Client{Timeout: 5 * time.Second},
		cache: map[string]entry{},
	}
}

// Lookup returns identity's answer for each site, from the cache when fresh.
func (c *Client) Lookup(ctx context.Context, sites []string) (map[string]Site, error) {
	now := time.Now()
	out := make(map[string]Site, len(sites))
	var missing []string
	c.mu.Lock()
	for _, s := range sites {
		if e, ok := c.cache[s]; ok && now.Before(e.expires) {
			out[s] = e.site
		} else {
			missing = append(missing, s)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	fresh, err := c.fetchGathered(ctx, missing)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cache) > 100_000 {
		clear(c.cache)
	}
	for _, s := range missing {
		site, ok := fresh[s]
		if !ok {
			site = Site{State: Unknown}
		}
		out[s] = site
		c.cache[s] = entry{site: site, expires: now.Add(c.ttl)}
	}
	return out, nil
}

// fetchGathered asks identity about sites in the request being gathered, opening one when
// none is.
func (c *Client) fetchGathered(ctx context.Context, sites []string) (map[string]Site, error) {
	c.mu.Lock()
	g := c.gathering
	if g == nil {
		g = &gather{sites: map[string]bool{}, done: make(chan struct{})}
		c.gathering = g
		time.AfterFunc(gatherWindow, func() { c.send(g) })
	}
	for _, s := range sites {
		g.sites[s] = true
	}
	c.mu.Unlock()
	select {
	case <-g.done:
		return g.res, g.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// send closes a gathered request to joiners and sends it, on a timeout of its own (no
// joiner's context may cancel the others' answers).
func (c *Client) send(g *gather) {
	c.mu.Lock()
	if c.gathering == g {
		c.gathering = nil
	}
	sites := slices.Sorted(maps.Keys(g.sites))
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), c.http.Timeout)
	defer cancel()
	g.res, g.err = c.fetch(ctx, sites)
	close(g.done)
}

func (c *Client) fetch(ctx context.Context, sites []string) (map[string]Site, error) {
	body, err := json.Marshal(LookupRequest{Sites: sites})
	if err != nil {
		return nil, fmt.Errorf("encode lookup: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/sites/lookup", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("identity lookup: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("identity lookup: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("identity lookup: status %s", resp.Status)
	}
	var answer LookupResponse
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return nil, fmt.Errorf("identity lookup: decode: %w", err)
	}
	return answer.Sites, nil
}
