package scenarios

import (
	"reflect"
	"testing"
)

// TestDecodeDataplane checks the values the engine reads from a stack whose data plane is sql
// and exec only: drivers, volume options, canary and tenant forms, a product without canary.
func TestDecodeDataplane(t *testing.T) {
	st, err := LoadStack("testdata/stacks/dataplane.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pg, maria := st.Services["pg"], st.Services["maria"]
	if pg.SQL.Driver != DriverPostgres || maria.SQL.Driver != DriverMySQL {
		t.Errorf("drivers %q %q, want postgres (the default) and mysql", pg.SQL.Driver, maria.SQL.Driver)
	}
	wantPG := map[string]Mount{"data": {Path: "/pgdata"}, "wal": {Path: "/archive"}}
	wantMaria := map[string]Mount{"mdata": {Path: "/var/lib/mysql", NoCopy: true}, "binlog": {Path: "/srcbinlog", ReadOnly: true}}
	if !reflect.DeepEqual(pg.Volumes, wantPG) || !reflect.DeepEqual(maria.Volumes, wantMaria) {
		t.Errorf("volumes %+v %+v", pg.Volumes, maria.Volumes)
	}
	run := st.Actions["restore"].Steps[0].Run
	if !reflect.DeepEqual(run.Volumes, map[string]Mount{"mdata": {Path: "/data"}, "binlog": {Path: "/binlog", ReadOnly: true}}) {
		t.Errorf("run volumes %+v", run.Volumes)
	}
	if l := st.Tenants.List; l == nil || l.SQL == nil || l.SQL.Service != "pg" {
		t.Errorf("tenants.list %+v", l)
	}
	orders, carts, audit := st.Products["orders"], st.Products["carts"], st.Products["audit"]
	if orders.CanaryWrite.SQL == nil || orders.CanaryRead.SQL == nil || orders.CanaryWrite.SQL.Service != "pg" {
		t.Errorf("orders canary %+v %+v", orders.CanaryWrite, orders.CanaryRead)
	}
	if carts.CanaryWrite.SQL == nil || carts.CanaryRead.Exec == nil || carts.Health.Exec == nil {
		t.Errorf("carts %+v", carts)
	}
	if audit.CanaryWrite != nil || audit.CanaryRead != nil || audit.Fingerprint != nil {
		t.Errorf("audit declares no canary and no fingerprint, got %+v", audit)
	}
}
