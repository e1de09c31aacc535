package identity

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
	"github.com/drill-dev/drill/stacks/cloudsuite/web"
)

// The delete modes.
const (
	Mark      = "mark"
	Permanent = "permanent"
)

// DeleteRequest is the body of POST /admin/delete and POST /admin/undelete (mode unused there).
type DeleteRequest struct {
	IDs  web.IDs `json:"ids"`
	Mode string  `json:"mode"`
}

// Deletion is what one ID resolved to.
type Deletion struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"` // "site" or "app"
	Site    string `json:"site"`
	Product string `json:"product,omitempty"`
	Mode    string `json:"mode"` // the mode applied
}

// DeleteResponse answers a delete or undelete. IDs that are neither a site nor an app are
// listed as unknown and otherwise ignored.
type DeleteResponse struct {
	Deleted []Deletion `json:"deleted"`
	Unknown []string   `json:"unknown"`
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	var req DeleteRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.Mode != Mark && req.Mode != Permanent {
		web.Error(w, http.StatusBadRequest, fmt.Sprintf("unknown mode %q (want mark, permanent)", req.Mode))
		return
	}
	mode := req.Mode
	if mode == Mark && !s.SoftDelete {
		mode = Permanent // no soft delete: nothing can be marked, everything goes
	}
	resp, err := s.Delete(r.Context(), req.IDs, mode)
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	s.Log.Info("admin delete", "ids", len(req.IDs), "mode", mode, "deleted", len(resp.Deleted), "unknown", len(resp.Unknown))
	web.JSON(w, http.StatusOK, resp)
}

// Delete resolves each ID to an app or a site and deletes it in the given mode, all in one
// transaction. It assumes the input is correct.
func (s *Server) Delete(ctx context.Context, ids []string, mode string) (DeleteResponse, error) {
	resp := DeleteResponse{Deleted: []Deletion{}}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		found, unknown, err := resolve(ctx, tx, ids)
		if err != nil {
			return err
		}
		resp.Unknown = unknown
		for _, d := range found {
			d.Mode = mode
			if err := apply(ctx, tx, d); err != nil {
				return err
			}
			resp.Deleted = append(resp.Deleted, d)
		}
		return nil
	})
	if err != nil {
		return DeleteResponse{}, fmt.Errorf("delete: %w", err)
	}
	return resp, nil
}

// resolve looks each ID up as an app first, then as a site.
func resolve(ctx context.Context, tx pgx.Tx, ids []string) ([]Deletion, []string, error) {
	found := map[string]Deletion{}
	rows, err := tx.Query(ctx, `SELECT app_id, site_id, product FROM identity.apps WHERE app_id = ANY($1)`, ids)
	if err != nil {
		return nil, nil, err
	}
	var d Deletion
	if _, err := pgx.ForEachRow(rows, []any{&d.ID, &d.Site, &d.Product}, func() error {
		d.Kind = "app"
		found[d.ID] = d
		return nil
	}); err != nil {
		return nil, nil, err
	}
	rows, err = tx.Query(ctx, `SELECT site_id FROM identity.sites WHERE site_id = ANY($1)`, ids)
	if err != nil {
		return nil, nil, err
	}
	sites, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, err
	}
	for _, site := range sites {
		if _, isApp := found[site]; !isApp {
			found[site] = Deletion{ID: site, Kind: "site", Site: site}
		}
	}
	var out []Deletion
	unknown := []string{}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if d, ok := found[id]; ok {
			out = append(out, d)
		} else {
			unknown = append(unknown, id)
		}
	}
	return out, unknown, nil
}

func apply(ctx context.Context, tx pgx.Tx, d Deletion) error {
	switch {
	case d.Kind == "site" && d.Mode == Mark:
		_, err := tx.Exec(ctx, `UPDATE identity.sites SET deleted_at = now() WHERE site_id = $1 AND deleted_at IS NULL`, d.Site)
		return err
	case d.Kind == "app" && d.Mode == Mark:
		_, err := tx.Exec(ctx, `UPDATE identity.apps SET deleted_at = now() WHERE app_id = $1 AND deleted_at IS NULL`, d.ID)
		return err
	case d.Kind == "site":
		return purgeSite(ctx, tx, d.Site, catalog.Products)
	default:
		p, err := catalog.Lookup(d.Product)
		if err != nil {
			return err
		}
		if err := purgeSite(ctx, tx, d.Site, []catalog.Product{p}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM identity.apps WHERE app_id = $1`, d.ID)
		return err
	}
}

// purgeSite deletes the site's rows in the given products, in reverse dependency order.
func purgeSite(ctx context.Context, tx pgx.Tx, site string, products []catalog.Product) error {
	for _, p := range slices.Backward(products) {
		for _, t := range slices.Backward(p.Tables) {
			if _, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE site_id = $1`, t.QualifiedName()), site); err != nil {
				return fmt.Errorf("purge %s: %w", t.ID(), err)
			}
		}
	}
	return nil
}

func (s *Server) undelete(w http.ResponseWriter, r *http.Request) {
	if !s.SoftDelete {
		web.Error(w, http.StatusConflict, "soft delete is off (SOFT_DELETE=off): deletions are permanent")
		return
	}
	var req DeleteRequest
	if err := web.Decode(r, &req); err != nil {
		web.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	resp := DeleteResponse{Deleted: []Deletion{}}
	err := pgx.BeginFunc(r.Context(), s.Pool, func(tx pgx.Tx) error {
		found, unknown, err := resolve(r.Context(), tx, req.IDs)
		if err != nil {
			return err
		}
		resp.Unknown = unknown
		for _, d := range found {
			q := `UPDATE identity.sites SET deleted_at = NULL WHERE site_id = $1`
			arg := d.Site
			if d.Kind == "app" {
				q, arg = `UPDATE identity.apps SET deleted_at = NULL WHERE app_id = $1`, d.ID
			}
			if _, err := tx.Exec(r.Context(), q, arg); err != nil {
				return err
			}
			d.Mode = "undelete"
			resp.Deleted = append(resp.Deleted, d)
		}
		return nil
	})
	if err != nil {
		web.Error(w, http.StatusServiceUnavailable, fmt.Sprintf("undelete: %v", err))
		return
	}
	web.JSON(w, http.StatusOK, resp)
}
