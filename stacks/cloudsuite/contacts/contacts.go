package contacts

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Contact is one customer contact of a site.
type Contact struct {
	Site       string `json:"site"`
	ContactID  int64  `json:"contact_id"`
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Role       string `json:"role"`
}

// Export is the content of one export file.
type Export struct {
	ExportedAt time.Time            `json:"exported_at"`
	Sites      map[string][]Contact `json:"sites"`
}

// Query returns the contacts of the given sites (every site when sites is empty), per site,
// ordered by contact ID. Sites without contacts are absent.
func Query(ctx context.Context, pool *pgxpool.Pool, sites []string) (map[string][]Contact, error) {
	q := `SELECT site_id, contact_id, customer_id, name, email, role FROM identity.contacts`
	args := []any{}
	if len(sites) > 0 {
		q += ` WHERE site_id = ANY($1)`
		args = append(args, sites)
	}
	rows, err := pool.Query(ctx, q+` ORDER BY site_id, contact_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("query contacts: %w", err)
	}
	var c Contact
	out := map[string][]Contact{}
	_, err = pgx.ForEachRow(rows, []any{&c.Site, &c.ContactID, &c.CustomerID, &c.Name, &c.Email, &c.Role}, func() error {
		out[c.Site] = append(out[c.Site], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query contacts: %w", err)
	}
	return out, nil
}

// Keep is how many export files WriteExport keeps (the newest).
const Keep = 200

const prefix, suffix = "contacts-", ".json"

// WriteExport writes every site's contacts to a new file in dir (atomically: a temporary file
// renamed), removes all but the newest Keep exports, and returns the new file's path.
func WriteExport(ctx context.Context, pool *pgxpool.Pool, dir string) (string, error) {
	all, err := Query(ctx, pool, nil)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	body, err := json.Marshal(Export{ExportedAt: now, Sites: all})
	if err != nil {
		return "", fmt.Errorf("encode export: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s%020d%s", prefix, now.UnixNano(), suffix))
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return "", fmt.Errorf("write export: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write export: %w", err)
	}
	files, err := exports(dir)
	if err != nil {
		return "", err
	}
	for len(files) > Keep {
		if err := os.Remove(files[len(files)-1]); err != nil {
			return "", fmt.Errorf("prune exports: %w", err)
		}
		files = files[:len(files)-1]
	}
	return path, nil
}

// exports lists the export files in dir, newest first.
func exports(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list exports: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), suffix) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(files)
	slices.Reverse(files)
	return files, nil
}

// FromExports returns each site's contacts from the newest export in dir that holds the site.
// Sites found in no export are absent.
func FromExports(dir string, sites []string) (map[string][]Contact, error) {
	files, err := exports(dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]Contact{}
	for _, f := range files {
		if len(out) == len(sites) {
			break
		}
		body, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read export: %w", err)
		}
		var e Export
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, fmt.Errorf("read export %s: %w", filepath.Base(f), err)
		}
		for _, s := range sites {
			if _, done := out[s]; !done && len(e.Sites[s]) > 0 {
				out[s] = e.Sites[s]
			}
		}
	}
	return out, nil
}

// Schedule writes an export every interval until ctx ends, logging failures.
func Schedule(ctx context.Context, pool *pgxpool.Pool, dir string, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if path, err := WriteExport(ctx, pool, dir); err != nil {
				log.Warn("contacts export", "err", err)
			} else {
				log.Debug("contacts export", "path", path)
			}
		}
	}
}
