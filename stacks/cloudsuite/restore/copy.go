package restore

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/drill-dev/drill/stacks/cloudsuite/catalog"
)

// literal quotes s as an SQL string literal (standard_conforming_strings is on).
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// filter is the WHERE clause selecting the given sites; none means every row.
func filter(sites []string) string {
	if len(sites) == 0 {
		return "true"
	}
	quoted := make([]string, len(sites))
	for i, s := range sites {
		quoted[i] = literal(s)
	}
	return "site_id IN (" + strings.Join(quoted, ", ") + ")"
}

// copyRows copies the rows of t selected by where from the side instance into the live
// transaction, merging when the live table already holds rows for them, and returns the number
// of rows copied from the side.
func copyRows(ctx context.Context, from *pgxpool.Pool, tx pgx.Tx, t catalog.Table, where string) (int64, error) {
	var present bool
	if err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s WHERE %s)`, t.QualifiedName(), where)).Scan(&present); err != nil {
		return 0, fmt.Errorf("restore %s: %w", t.ID(), err)
	}
	target := t.QualifiedName()
	if present {
		target = fmt.Sprintf("%q", "restore_"+t.Schema+"_"+t.Name)
		if _, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s (LIKE %s) ON COMMIT DROP`, target, t.QualifiedName())); err != nil {
			return 0, fmt.Errorf("restore %s: %w", t.ID(), err)
		}
	}
	n, err := stream(ctx, from, tx, t, where, target)
	if err != nil || !present {
		return n, err
	}
	cols := t.ColumnList(false)
	merge := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s ON CONFLICT DO NOTHING`, t.QualifiedName(), cols, cols, target)
	if _, err := tx.Exec(ctx, merge); err != nil {
		return 0, fmt.Errorf("restore %s: merge: %w", t.ID(), err)
	}
	if _, err := tx.Exec(ctx, `DROP TABLE `+target); err != nil {
		return 0, fmt.Errorf("restore %s: %w", t.ID(), err)
	}
	return n, nil
}

// stream pipes COPY ... TO STDOUT on the side instance into COPY ... FROM STDIN in tx (binary
// format, no intermediate file).
func stream(ctx context.Context, from *pgxpool.Pool, tx pgx.Tx, t catalog.Table, where, target string) (int64, error) {
	src, err := from.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("restore %s: side instance: %w", t.ID(), err)
	}
	defer src.Release()
	cols := t.ColumnList(false)
	out := fmt.Sprintf(`COPY (SELECT %s FROM %s WHERE %s) TO STDOUT (FORMAT binary)`, cols, t.QualifiedName(), where)
	in := fmt.Sprintf(`COPY %s (%s) FROM STDIN (FORMAT binary)`, target, cols)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := src.Conn().PgConn().CopyTo(ctx, pw, out)
		pw.CloseWithError(err)
		done <- err
	}()
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, pr, in)
	pr.CloseWithError(io.ErrClosedPipe)
	srcErr := <-done
	if srcErr != nil {
		_ = src.Conn().Close(ctx) // a connection left mid-COPY is not reusable
		return 0, fmt.Errorf("restore %s: read side instance: %w", t.ID(), srcErr)
	}
	if err != nil {
		return 0, fmt.Errorf("restore %s: write live: %w", t.ID(), err)
	}
	return tag.RowsAffected(), nil
}
