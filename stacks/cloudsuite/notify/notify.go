package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/drill-dev/drill/stacks/cloudsuite/contacts"
	"github.com/drill-dev/drill/stacks/cloudsuite/outbox"
)

// The contact sources.
const (
	FromIdentity = "identity"
	FromExport   = "export"
)

// Options say where contacts come from and where notices go.
type Options struct {
	Source      string // FromIdentity or FromExport
	IdentityURL string // for FromIdentity
	ExportDir   string // for FromExport
	OutboxURL   string
	Subject     string // default "Service incident affecting your site"
}

// Result is what Send did: notices sent, and the sites for which no contact was found.
type Result struct {
	Sent      int      `json:"sent"`
	NoContact []string `json:"no_contact"`
}

var client = &http.Client{Timeout: 30 * time.Second}

// Send notifies every contact of the sites. Sites without contacts are listed in the result and
// make the error non-nil, after the others have been notified.
func Send(ctx context.Context, sites []string, o Options) (Result, error) {
	var found map[string][]contacts.Contact
	var err error
	switch o.Source {
	case FromIdentity:
		found, err = fromIdentity(ctx, o.IdentityURL, sites)
	case FromExport:
		found, err = contacts.FromExports(o.ExportDir, sites)
	default:
		return Result{}, fmt.Errorf("unknown contact source %q (want %s, %s)", o.Source, FromIdentity, FromExport)
	}
	if err != nil {
		return Result{}, err
	}
	subject := o.Subject
	if subject == "" {
		subject = "Service incident affecting your site"
	}
	res := Result{NoContact: []string{}}
	var notices []outbox.Notice
	for _, s := range sites {
		if len(found[s]) == 0 {
			res.NoContact = append(res.NoContact, s)
		}
		for _, c := range found[s] {
			notices = append(notices, outbox.Notice{Site: s, ContactID: c.ContactID, Email: c.Email, Subject: subject, Source: o.Source})
		}
	}
	if len(notices) > 0 {
		if err := post(ctx, strings.TrimSuffix(o.OutboxURL, "/")+"/notices", outbox.SendRequest{Notices: notices}); err != nil {
			return res, err
		}
		res.Sent = len(notices)
	}
	if len(res.NoContact) > 0 {
		return res, fmt.Errorf("no contacts for %d of %d sites (source %s): %s", len(res.NoContact), len(sites), o.Source, strings.Join(res.NoContact, ", "))
	}
	return res, nil
}

func fromIdentity(ctx context.Context, base string, sites []string) (map[string][]contacts.Contact, error) {
	u := strings.TrimSuffix(base, "/") + "/admin/contacts?sites=" + url.QueryEscape(strings.Join(sites, ","))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("contacts from identity: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("contacts from identity: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("contacts from identity: status %s", resp.Status)
	}
	var out map[string][]contacts.Contact
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("contacts from identity: decode: %w", err)
	}
	return out, nil
}

func post(ctx context.Context, u string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode notices: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("send notices: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("send notices: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("send notices: status %s", resp.Status)
	}
	return nil
}
