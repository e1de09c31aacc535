package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drill-dev/drill/stacks/cloudsuite/contacts"
	"github.com/drill-dev/drill/stacks/cloudsuite/outbox"
)

func writeExport(t *testing.T, dir, name string, sites map[string][]contacts.Contact) {
	t.Helper()
	b, err := json.Marshal(contacts.Export{Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFromExportFindsDeletedSitesInOlderExports: the newest export was written after the
// deletion and lacks the site; an older one still has its contacts.
func TestFromExportFindsDeletedSitesInOlderExports(t *testing.T) {
	dir := t.TempDir()
	writeExport(t, dir, "contacts-00000000000000000001.json", map[string][]contacts.Contact{
		"gone": {{Site: "gone", ContactID: 1, Email: "old@gone.example"}, {Site: "gone", ContactID: 2, Email: "b@gone.example"}},
		"kept": {{Site: "kept", ContactID: 1, Email: "old@kept.example"}},
	})
	writeExport(t, dir, "contacts-00000000000000000002.json", map[string][]contacts.Contact{
		"kept": {{Site: "kept", ContactID: 1, Email: "new@kept.example"}},
	})
	var got []outbox.Notice
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req outbox.SendRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		got = append(got, req.Notices...)
	}))
	defer srv.Close()

	res, err := Send(context.Background(), []string{"gone", "kept", "never"}, Options{Source: FromExport, ExportDir: dir, OutboxURL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "no contacts for 1 of 3 sites (source export): never") {
		t.Fatalf("error %v", err)
	}
	if res.Sent != 3 || len(got) != 3 {
		t.Fatalf("sent %d, outbox got %d", res.Sent, len(got))
	}
	emails := map[string]bool{}
	for _, n := range got {
		emails[n.Email] = true
		if n.Source != FromExport {
			t.Errorf("notice source %q", n.Source)
		}
	}
	if !emails["old@gone.example"] || !emails["new@kept.example"] || emails["old@kept.example"] {
		t.Fatalf("notices went to %v", emails)
	}
}

func TestUnknownSource(t *testing.T) {
	_, err := Send(context.Background(), []string{"a"}, Options{Source: "crm"})
	if err == nil || err.Error() != `unknown contact source "crm" (want identity, export)` {
		t.Fatalf("error %v", err)
	}
}
