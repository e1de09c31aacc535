package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Column is one column of a table. Volatile columns change in normal operation (a soft-delete
// mark) and are left out of fingerprints.
type Column struct {
	Name     string
	Type     string
	Volatile bool
}

// Table is one table of a product. Every table has a site_id column: data is per site.
type Table struct {
	Schema  string
	Name    string
	Columns []Column
	// Key is the primary key, used for ordering fingerprints and for merging on restore.
	Key []string
	// Seeded tables hold the data seed writes and fingerprint checks; canaries are not seeded.
	Seeded bool
}

// QualifiedName is schema.name, quoted for SQL.
func (t Table) QualifiedName() string { return fmt.Sprintf("%q.%q", t.Schema, t.Name) }

// ID is schema.name unquoted, as users write it (tracker.issues).
func (t Table) ID() string { return t.Schema + "." + t.Name }

// ColumnList is the comma-separated quoted column names; with fingerprint set, volatile columns
// are left out.
func (t Table) ColumnList(fingerprint bool) string {
	var names []string
	for _, c := range t.Columns {
		if fingerprint && c.Volatile {
			continue
		}
		names = append(names, fmt.Sprintf("%q", c.Name))
	}
	return strings.Join(names, ", ")
}

// KeyList is the comma-separated quoted primary key columns.
func (t Table) KeyList() string {
	quoted := make([]string, len(t.Key))
	for i, k := range t.Key {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(quoted, ", ")
}

// Product is one product: a schema, its tables in dependency order, and the product's own
// per-site registration table ("sites"), without which the product treats a site as absent.
type Product struct {
	Name   string
	Tables []Table
	// Main is the table of the product's records (M per site when seeding).
	Main string
	// LinksTo is set on products whose main table references tracker issues (issue_id).
	LinksTo string
}

// Table returns the product's table of that name.
func (p Product) Table(name string) (Table, bool) {
	i := slices.IndexFunc(p.Tables, func(t Table) bool { return t.Name == name })
	if i < 0 {
		return Table{}, false
	}
	return p.Tables[i], true
}

// Identity, Tracker, Wiki, Pager and Status are the product names; Outbox is the notice log.
const (
	Identity = "identity"
	Tracker  = "tracker"
	Wiki     = "wiki"
	Pager    = "pager"
	Status   = "status"
	Outbox   = "outbox"
)

// Apps are the products a site is entitled to (identity.apps rows), in order.
var Apps = []string{Tracker, Wiki, Pager, Status}

func col(name, typ string) Column { return Column{Name: name, Type: typ} }

var siteID = col("site_id", "text NOT NULL")

func canaries(schema string) Table {
	return Table{Schema: schema, Name: "canaries", Key: []string{"site_id", "seq"}, Columns: []Column{
		siteID, col("seq", "bigint NOT NULL"), {Name: "written_at", Type: "timestamptz NOT NULL DEFAULT now()", Volatile: true},
	}}
}

func productSites(schema string) Table {
	return Table{Schema: schema, Name: "sites", Key: []string{"site_id"}, Seeded: true, Columns: []Column{
		siteID, col("plan", "text NOT NULL"), col("created_at", "timestamptz NOT NULL"),
	}}
}

func records(schema, name, id string, cols ...Column) Table {
	return Table{Schema: schema, Name: name, Key: []string{"site_id", id}, Seeded: true,
		Columns: append([]Column{siteID, col(id, "bigint NOT NULL")}, cols...)}
}

// Products is every product with site data, in dependency order: identity first, then tracker
// (whose issues the others reference), then the rest.
var Products = []Product{
	{Name: Identity, Main: "users", Tables: []Table{
		{Schema: Identity, Name: "sites", Key: []string{"site_id"}, Seeded: true, Columns: []Column{
			siteID, col("ordinal", "integer NOT NULL"), col("name", "text NOT NULL"), col("region", "text NOT NULL"),
			col("created_at", "timestamptz NOT NULL"), {Name: "deleted_at", Type: "timestamptz", Volatile: true},
		}},
		{Schema: Identity, Name: "apps", Key: []string{"app_id"}, Seeded: true, Columns: []Column{
			col("app_id", "text NOT NULL"), siteID, col("product", "text NOT NULL"),
			col("created_at", "timestamptz NOT NULL"), {Name: "deleted_at", Type: "timestamptz", Volatile: true},
		}},
		records(Identity, "customers", "customer_id", col("name", "text NOT NULL")),
		records(Identity, "contacts", "contact_id", col("customer_id", "bigint NOT NULL"), col("name", "text NOT NULL"),
			col("email", "text NOT NULL"), col("role", "text NOT NULL")),
		records(Identity, "users", "user_id", col("email", "text NOT NULL"), col("name", "text NOT NULL"), col("role", "text NOT NULL")),
		canaries(Identity),
	}},
	{Name: Tracker, Main: "issues", Tables: []Table{
		productSites(Tracker),
		records(Tracker, "issues", "issue_id", col("key", "text NOT NULL"), col("title", "text NOT NULL"),
			col("state", "text NOT NULL"), col("priority", "smallint NOT NULL"), col("created_at", "timestamptz NOT NULL")),
		canaries(Tracker),
	}},
	{Name: Wiki, Main: "pages", LinksTo: Tracker, Tables: []Table{
		productSites(Wiki),
		records(Wiki, "pages", "page_id", col("title", "text NOT NULL"), col("body", "text NOT NULL"), col("issue_id", "bigint NOT NULL")),
		canaries(Wiki),
	}},
	{Name: Pager, Main: "alerts", LinksTo: Tracker, Tables: []Table{
		productSites(Pager),
		records(Pager, "alerts", "alert_id", col("issue_id", "bigint NOT NULL"), col("severity", "text NOT NULL"),
			col("message", "text NOT NULL"), col("created_at", "timestamptz NOT NULL")),
		canaries(Pager),
	}},
	{Name: Status, Main: "subscribers", Tables: []Table{
		productSites(Status),
		records(Status, "pages", "page_id", col("title", "text NOT NULL")),
		records(Status, "incidents", "incident_id", col("page_id", "bigint NOT NULL"), col("title", "text NOT NULL"), col("state", "text NOT NULL")),
		records(Status, "subscribers", "subscriber_id", col("page_id", "bigint NOT NULL"), col("email", "text NOT NULL")),
		canaries(Status),
	}},
}

// PlatformIncidents is cloudsuite's own status page (package statuspage): incidents naming the
// sites they affect. Like Notices it is not site data.
var PlatformIncidents = Table{Schema: Status, Name: "platform_incidents", Key: []string{"incident_id"}, Columns: []Column{
	col("incident_id", "bigint GENERATED ALWAYS AS IDENTITY"), col("title", "text NOT NULL"),
	col("sites", "text[] NOT NULL"), col("posted_at", "timestamptz NOT NULL DEFAULT now()"),
}}

// Notices is the outbox's log of notices sent to contacts. It is not site data: it is never
// seeded, deleted with a site, or restored.
var Notices = Table{Schema: Outbox, Name: "notices", Key: []string{"notice_id"}, Columns: []Column{
	col("notice_id", "bigint GENERATED ALWAYS AS IDENTITY"), siteID, col("contact_id", "bigint NOT NULL"),
	col("email", "text NOT NULL"), col("subject", "text NOT NULL"), col("source", "text NOT NULL"),
	col("sent_at", "timestamptz NOT NULL DEFAULT now()"),
}}

// Lookup returns the product of that name.
func Lookup(name string) (Product, error) {
	for _, p := range Products {
		if p.Name == name {
			return p, nil
		}
	}
	return Product{}, fmt.Errorf("unknown product %q (want %s)", name, strings.Join(Names(), ", "))
}

// Names lists the products in dependency order.
func Names() []string {
	names := make([]string, len(Products))
	for i, p := range Products {
		names[i] = p.Name
	}
	return names
}

// FindTable resolves "schema.table" (or a product and a table name) to a catalogue table.
func FindTable(product, table string) (Table, error) {
	if s, t, ok := strings.Cut(table, "."); ok {
		if product != "" && product != s {
			return Table{}, fmt.Errorf("table %q is not in product %q", table, product)
		}
		product, table = s, t
	}
	p, err := Lookup(product)
	if err != nil {
		return Table{}, err
	}
	t, ok := p.Table(table)
	if !ok {
		var names []string
		for _, t := range p.Tables {
			names = append(names, t.Name)
		}
		return Table{}, fmt.Errorf("unknown table %q in %s (want %s)", table, product, strings.Join(names, ", "))
	}
	return t, nil
}
