package catalog

import (
	"fmt"
	"strings"
)

// CreateTable is the idempotent DDL of one table (CREATE TABLE IF NOT EXISTS ...).
func (t Table) CreateTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (", t.QualifiedName())
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "%q %s, ", c.Name, c.Type)
	}
	fmt.Fprintf(&b, "PRIMARY KEY (%s))", t.KeyList())
	return b.String()
}

// DDL is every statement that creates cloudsuite's schemas, tables and indexes, idempotently.
func DDL() []string {
	var stmts []string
	for _, p := range Products {
		stmts = append(stmts, fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %q", p.Name))
		for _, t := range p.Tables {
			stmts = append(stmts, t.CreateTable())
		}
	}
	stmts = append(stmts,
		`CREATE INDEX IF NOT EXISTS apps_site ON "identity"."apps" ("site_id")`,
		PlatformIncidents.CreateTable(),
		fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %q", Outbox),
		Notices.CreateTable(),
		`CREATE INDEX IF NOT EXISTS notices_site ON "outbox"."notices" ("site_id")`,
	)
	return stmts
}
