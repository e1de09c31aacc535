package transport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
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

var _ form = sqlForm{}

// sqlForm runs a query (or statement) on a service's sql connection: a query answers its rows,
// each as its values (NULL as nil, text as string).
type sqlForm struct{ c *scenarios.SQLCall }

func (f sqlForm) transport() string { return "sql" }

func (f sqlForm) render(p *Plane, r request) (Request, error) {
	t, q, err := f.resolve(p, r)
	if err != nil {
		return Request{}, err
	}
	driver := t.conn.Driver
	if driver == "" {
		driver = scenarios.DriverPostgres
	}
	return Request{Transport: "sql", Service: t.service, Driver: driver, Database: t.database, Query: q, Mode: sqlModes[r.mode]}, nil
}

// resolve is the call's connection and its query rendered for that connection's driver.
func (f sqlForm) resolve(p *Plane, r request) (sqlTarget, string, error) {
	t, err := p.sqlTargetOf(f.c, r.data, r.service)
	if err != nil {
		return sqlTarget{}, "", err
	}
	q, err := scenarios.Render(f.c.Query, r.data.ForSQL(t.conn.Driver))
	return t, q, err
}

func (f sqlForm) call(ctx context.Context, p *Plane, r request) (reply, error) {
	t, q, err := f.resolve(p, r)
	if err != nil {
		return reply{}, err
	}
	db, err := p.sqlDB(ctx, t)
	if err != nil {
		return reply{}, err
	}
	rep := reply{table: true}
	switch r.mode {
	case query:
		rep.rows, err = queryRows(ctx, db, q)
	case inTx:
		err = execTx(ctx, db, q)
	case asIs:
		_, err = db.ExecContext(ctx, q)
	}
	p.sqlFailed(t, err)
	return rep, wrongProtocol(t, err)
}

// wrongProtocol adds the likely cause to the error of a PostgreSQL connection whose server
// answered in another protocol: a MySQL-family server written without driver: mysql, which
// pgx reports only as an unknown message type.
func wrongProtocol(t sqlTarget, err error) error {
	if err == nil || t.conn.Driver == scenarios.DriverMySQL || !strings.Contains(err.Error(), "unknown message type") {
		return err
	}
	return fmt.Errorf("%w (service %s does not answer in PostgreSQL's protocol: for MySQL or MariaDB, set driver: mysql on its sql connection)", err, t.service)
}

// sqlTargetOf resolves the service and database of an sql call.
func (p *Plane) sqlTargetOf(c *scenarios.SQLCall, data scenarios.TemplateData, defaultService string) (sqlTarget, error) {
	service := serviceOf(c.Service, defaultService)
	svc, ok := p.stack.Services[service]
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
func (p *Plane) sqlDB(ctx context.Context, t sqlTarget) (*sql.DB, error) {
	c, err := p.svcs.Container(t.service)
	if err != nil {
		return nil, err
	}
	if db := p.sql.current(t, c.ID()); db != nil {
		return db, nil
	}
	ep, err := p.endpoint(ctx, t.service, t.conn.Port)
	if err != nil {
		return nil, err
	}
	db, err := openDB(t, ep)
	if err != nil {
		return nil, fmt.Errorf("sql connection to %s: %w", t.service, err)
	}
	return p.sql.keep(t, c.ID(), db), nil
}

// sqlFailed forgets a target's service (its pools and its cached endpoints, so the next use
// asks the engine where it is) after err, unless err is the server's answer to a statement
// (the connection is then fine).
func (p *Plane) sqlFailed(t sqlTarget, err error) {
	var pgErr *pgconn.PgError
	var myErr *mysql.MySQLError
	if err == nil || errors.As(err, &pgErr) || errors.As(err, &myErr) {
		return
	}
	p.Forget(t.service)
}

// current is the pool of a target opened for container, or nil.
func (s *sqlPools) current(t sqlTarget, container string) *sql.DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pools[t.key()]; p != nil && p.container == container {
		return p.db
	}
	return nil
}

// keep records db as the pool of a target for container and returns the pool to use: the one
// another caller opened meanwhile for the same container, if any (db is then closed).
func (s *sqlPools) keep(t sqlTarget, container string, db *sql.DB) *sql.DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pools == nil {
		s.pools = map[string]*sqlPool{}
	}
	if old := s.pools[t.key()]; old != nil {
		if old.container == container {
			_ = db.Close()
			return old.db
		}
		_ = old.db.Close()
	}
	s.pools[t.key()] = &sqlPool{db: db, driver: t.conn.Driver, container: container}
	return db
}

// closeOf closes and forgets the pools of one service.
func (s *sqlPools) closeOf(service string) {
	s.mu.Lock()
	var stale []*sqlPool
	for k, p := range s.pools {
		if strings.HasPrefix(k, service+"/") {
			stale = append(stale, p)
			delete(s.pools, k)
		}
	}
	s.mu.Unlock()
	for _, p := range stale {
		_ = p.db.Close()
	}
}

// Pools lists the open sql pools, as service/database, sorted.
func (p *Plane) Pools() []string {
	p.sql.mu.Lock()
	defer p.sql.mu.Unlock()
	return slices.Sorted(maps.Keys(p.sql.pools))
}

// closeAll closes every pool.
func (s *sqlPools) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, p := range s.pools {
		_ = p.db.Close()
		delete(s.pools, k)
	}
}

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
