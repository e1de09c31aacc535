package harness

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/drill-dev/drill/scenarios"
)

// sqlConnTimeout bounds the opening of one connection; sqlPoolSize bounds a pool's
// connections (the probe pool plus the canary writers).
const (
	sqlConnTimeout = 5 * time.Second
	sqlPoolSize    = 24
)

// sqlPools holds one database/sql pool per (service, database), for both drivers, so that sql
// probes and canaries reuse connections instead of paying a connect each (35-60 ms for
// PostgreSQL here). A pool is opened for one container and endpoint; it is closed and opened
// anew when the service's container changes, after the harness's own operations on the
// service (services.forget), or after an error that is not the server's answer to a statement
// (a refused or broken connection, a timeout: the mapped port changes when a container
// restarts).
type sqlPools struct {
	mu    sync.Mutex
	pools map[string]*sqlPool
}

type sqlPool struct {
	db        *sql.DB
	driver    string
	container string // the container ID it was opened for
}

// sqlTarget is one sql connection, resolved: the service, its connection, the database.
type sqlTarget struct {
	service  string
	conn     *scenarios.SQLConn
	database string
}

func (t sqlTarget) key() string { return t.service + "/" + t.database }

// sqlTargetOf resolves the service and database of an sql call.
func (d *drill) sqlTargetOf(c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) (sqlTarget, error) {
	service := c.Service
	if service == "" {
		service = defaultService
	}
	svc, ok := d.stack.Services[service]
	if !ok || svc.SQL == nil {
		return sqlTarget{}, fmt.Errorf("service %s has no sql connection", service)
	}
	t := sqlTarget{service: service, conn: svc.SQL, database: svc.SQL.Database}
	if c.Database != "" {
		db, err := scenarios.Render(c.Database, data.ForSQL(svc.SQL.Driver))
		if err != nil {
			return sqlTarget{}, err
		}
		t.database = db
	}
	return t, nil
}

// sqlDB returns the pool of a target, opening it when there is none for the service's
// current container.
func (d *drill) sqlDB(ctx context.Context, t sqlTarget) (*sql.DB, error) {
	c, err := d.svcs.get(t.service)
	if err != nil {
		return nil, err
	}
	d.sqlp.mu.Lock()
	p := d.sqlp.pools[t.key()]
	d.sqlp.mu.Unlock()
	if p != nil && p.container == c.ID() {
		return p.db, nil
	}
	ep, err := d.svcs.endpoint(ctx, t.service, t.conn.Port)
	if err != nil {
		return nil, err
	}
	db, err := openDB(t, ep)
	if err != nil {
		return nil, fmt.Errorf("sql connection to %s: %w", t.service, err)
	}
	d.sqlp.mu.Lock()
	defer d.sqlp.mu.Unlock()
	if d.sqlp.pools == nil {
		d.sqlp.pools = map[string]*sqlPool{}
	}
	if old := d.sqlp.pools[t.key()]; old != nil {
		if old.container == c.ID() { // another caller opened it meanwhile
			_ = db.Close()
			return old.db, nil
		}
		_ = old.db.Close()
	}
	d.sqlp.pools[t.key()] = &sqlPool{db: db, driver: t.conn.Driver, container: c.ID()}
	return db, nil
}

// sqlFailed forgets a target's service (its pools and its cached endpoints, so the next use
// asks the engine where it is) after err, unless err is the server's answer to a statement
// (the connection is then fine).
func (d *drill) sqlFailed(t sqlTarget, err error) {
	var pgErr *pgconn.PgError
	var myErr *mysql.MySQLError
	if err == nil || errors.As(err, &pgErr) || errors.As(err, &myErr) {
		return
	}
	d.svcs.forget(t.service)
}

// closeSQL closes every pool; the drill registers it on its cleanup stack.
func (d *drill) closeSQL(context.Context) error {
	d.sqlp.mu.Lock()
	defer d.sqlp.mu.Unlock()
	for k, p := range d.sqlp.pools {
		_ = p.db.Close()
		delete(d.sqlp.pools, k)
	}
	return nil
}

// openDB opens a pool to endpoint ep (host:port) with the target's driver.
func openDB(t sqlTarget, ep string) (*sql.DB, error) {
	var db *sql.DB
	switch t.conn.Driver {
	case scenarios.DriverMySQL:
		cfg := mysql.NewConfig()
		cfg.Net, cfg.Addr = "tcp", ep
		cfg.User, cfg.Passwd, cfg.DBName = t.conn.User, t.conn.Password, t.database
		cfg.Timeout = sqlConnTimeout
		cfg.MultiStatements = true // a canary write may be several statements in one transaction
		cfg.Logger = &mysql.NopLogger{}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, err
		}
		db = sql.OpenDB(conn)
	case scenarios.DriverPostgres, "":
		host, port, err := net.SplitHostPort(ep)
		if err != nil {
			return nil, err
		}
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("port %q: %w", port, err)
		}
		cfg, err := pgx.ParseConfig("")
		if err != nil {
			return nil, err
		}
		cfg.Host, cfg.Port = host, uint16(p)
		cfg.User, cfg.Password, cfg.Database = t.conn.User, t.conn.Password, t.database
		cfg.ConnectTimeout = sqlConnTimeout
		// One round trip per statement, several statements allowed, and no statement cache
		// filling up with texts that differ only in an inlined site ID.
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		db = stdlib.OpenDB(*cfg)
	default:
		return nil, fmt.Errorf("unknown sql driver %q", t.conn.Driver)
	}
	db.SetMaxOpenConns(sqlPoolSize)
	db.SetMaxIdleConns(sqlPoolSize)
	db.SetConnMaxIdleTime(30 * time.Second)
	return db, nil
}

// sqlRun renders an sql call's query for its connection's driver and runs fn with the pool.
func (d *drill) sqlRun(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string, fn func(db *sql.DB, q string) error) error {
	t, err := d.sqlTargetOf(c, data, defaultService)
	if err != nil {
		return err
	}
	q, err := scenarios.Render(c.Query, data.ForSQL(t.conn.Driver))
	if err != nil {
		return err
	}
	db, err := d.sqlDB(ctx, t)
	if err != nil {
		return err
	}
	err = fn(db, q)
	d.sqlFailed(t, err)
	return err
}

// sqlRows runs a query and returns its rows, each as its values (NULL as nil, text as string).
func (d *drill) sqlRows(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) ([][]any, error) {
	var out [][]any
	err := d.sqlRun(ctx, c, data, defaultService, func(db *sql.DB, q string) (err error) {
		out, err = queryRows(ctx, db, q)
		return err
	})
	return out, err
}

// sqlTx runs a statement (several, where the driver allows) in one transaction and returns
// once it has committed.
func (d *drill) sqlTx(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) error {
	return d.sqlRun(ctx, c, data, defaultService, func(db *sql.DB, q string) error { return execTx(ctx, db, q) })
}

// sqlExec runs a statement outside a transaction (an sql step: DROP DATABASE and VACUUM
// cannot run in one).
func (d *drill) sqlExec(ctx context.Context, c *scenarios.SQLCall, data scenarios.TemplateData) error {
	return d.sqlRun(ctx, c, data, "", func(db *sql.DB, q string) error {
		_, err := db.ExecContext(ctx, q)
		return err
	})
}

func queryRows(ctx context.Context, db *sql.DB, q string) ([][]any, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok { // MySQL's text protocol answers text as bytes
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

func execTx(ctx context.Context, db *sql.DB, q string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// closeSQLOf closes and forgets the pools of one service.
func (d *drill) closeSQLOf(service string) {
	d.sqlp.mu.Lock()
	var stale []*sqlPool
	for k, p := range d.sqlp.pools {
		if strings.HasPrefix(k, service+"/") {
			stale = append(stale, p)
			delete(d.sqlp.pools, k)
		}
	}
	d.sqlp.mu.Unlock()
	for _, p := range stale {
		_ = p.db.Close()
	}
}
