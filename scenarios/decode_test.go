package scenarios

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDecodeFull checks the values the engine reads from a scenario that uses every feature.
func TestDecodeFull(t *testing.T) {
	sc, err := Load("testdata/valid/full.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "full" || sc.StackRef != "../stacks/suite.yaml" || sc.File != "testdata/valid/full.yaml" || len(sc.Source) == 0 {
		t.Errorf("header: %q %q %q", sc.Name, sc.StackRef, sc.File)
	}
	if got := sc.SizeNames(); !reflect.DeepEqual(got, []string{"small", "medium", "large"}) {
		t.Errorf("sizes %v", got)
	}
	if l, _ := sc.Size("large"); l.Sites != 400 || l.Params["records"] != "5000" || l.Params["sites"] != "400" {
		t.Errorf("large: %+v", l)
	}
	in := sc.Inject[0]
	if in.Kind != KindAction || in.Action != "delete" || in.Name != "wrong ids" || in.Concurrency != 2 {
		t.Errorf("inject[0]: %+v", in)
	}
	if *in.Foreach != (Foreach{From: SitesAll, Fraction: 0.25, Seed: 3, HasSeed: true}) {
		t.Errorf("inject[0].foreach: %+v", in.Foreach)
	}
	if !reflect.DeepEqual(in.With, map[string]any{"ids": "{{.Site}}", "mode": "permanent"}) {
		t.Errorf("inject[0].with: %#v", in.With)
	}
	if got := sc.Inject[1].With["ids"]; !reflect.DeepEqual(got, []string{"{{.Site}}", "app-{{.Site}}"}) {
		t.Errorf("list argument: %#v", got)
	}
	if f := sc.Inject[1].Foreach; f.Count != 2 || f.From != SitesAll {
		t.Errorf("count foreach: %+v", f)
	}
	if s := sc.Inject[2]; s.Kind != KindService || *s.Service != (ServiceOp{Name: "db", Op: "kill"}) || s.Concurrency != 1 {
		t.Errorf("service step: %+v", s)
	}
	r := sc.Recover
	if r[1].Wait.Timeout != 2*time.Minute || r[1].Wait.Interval != time.Second || r[1].Wait.Probe.HTTP.Path != "/healthz" || r[1].Wait.Probe.HTTP.Method != "GET" {
		t.Errorf("wait: %+v", r[1].Wait)
	}
	if r[2].Timeout != 10*time.Minute || r[3].Retries != 1 || r[3].Concurrency != 4 || r[3].Foreach.From != SitesAffected {
		t.Errorf("recover common fields: %+v %+v", r[2], r[3])
	}
	if r[6].Kind != KindSleep || r[6].Sleep != 36*time.Hour {
		t.Errorf("sleep: %+v", r[6])
	}
	if sc.Intervals != (Intervals{Probe: 500 * time.Millisecond, Canary: 250 * time.Millisecond, Settle: 2, Grace: 30 * time.Second}) || sc.RecoveryTimeout != 20*time.Minute {
		t.Errorf("intervals %+v timeout %v", sc.Intervals, sc.RecoveryTimeout)
	}
	if len(sc.Milestones) != 2 || sc.Milestones[0].Name != "customers-notified" || sc.Milestones[1].SQL.Query != "select 1" {
		t.Errorf("milestones in file order: %+v", sc.Milestones)
	}
	if sc.SteadyState[2].Name != "steady-state[2]" || sc.SteadyState[2].Exec.Service != "worker" {
		t.Errorf("unnamed probe: %+v", sc.SteadyState[2])
	}
	if sc.ProjectTo["sites-affected"] != 883 || sc.Expect.Verdict != "fail" || len(sc.Expect.Breaches) != 2 {
		t.Errorf("project-to %v expect %+v", sc.ProjectTo, sc.Expect)
	}
	if len(sc.Stack.Protect) != 1 || sc.Stack.Protect[0].Action != "base-backup" {
		t.Errorf("the scenario's protect should replace the stack's: %+v", sc.Stack.Protect)
	}
}

func TestOverridesApplyToACopy(t *testing.T) {
	sc, err := Load("testdata/valid/full.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	id := sc.Stack.Services["identity"]
	if id.Env["SOFT_DELETE"].Value != "on" || id.Env["DATABASE_URL"].Value == "" || !id.Env["TOKEN"].Secret {
		t.Errorf("env not merged: %+v", id.Env)
	}
	if !reflect.DeepEqual(id.Command, []string{"suite", "identity", "--soft"}) {
		t.Errorf("command not replaced: %v", id.Command)
	}
	st, err := LoadStack("testdata/stacks/suite.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	if st.Services["identity"].Env["SOFT_DELETE"].Value != "off" {
		t.Errorf("a fresh load of the stack sees the override")
	}
}

func TestDecodeStack(t *testing.T) {
	st, err := LoadStack("testdata/stacks/suite.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st.Order, []string{"db", "identity", "logger", "tracker", "worker"}) {
		t.Errorf("order %v", st.Order)
	}
	db := st.Services["db"]
	if db.Env["POSTGRES_PASSWORD"] != (EnvValue{Value: "drill", Secret: true}) || db.Env["LITERAL"].Value != "${NOT_EXPANDED}" {
		t.Errorf("env: %+v", db.Env)
	}
	if !strings.HasSuffix(db.Build, "testdata/stacks/postgres") || !strings.HasPrefix(db.Build, "/") {
		t.Errorf("build context not absolute: %q", db.Build)
	}
	if db.Ready.Probe.SQL.Query != "select 1" || db.Ready.Probe.SQL.Service != "db" || db.Ready.Timeout != 90*time.Second {
		t.Errorf("ready shorthand: %+v", db.Ready)
	}
	if r := st.Services["identity"].Ready; r.Probe.HTTP.Path != "/healthz" || r.Timeout != 60*time.Second || r.Interval != 250*time.Millisecond {
		t.Errorf("ready defaults: %+v", r)
	}
	if st.Services["logger"].Ready.Probe.Log != "listening" || st.Services["worker"].Ready.Probe.Exec.Command[1] != "ping" {
		t.Errorf("log and exec readiness")
	}
	tr := st.Products["tracker"]
	if tr.Health.HTTP.Service != "tracker" || !reflect.DeepEqual(tr.Health.HTTP.Expect, []int{200, 204}) || tr.Fingerprint.Exec.Service != "tracker" {
		t.Errorf("product probes default to the product's service: %+v %+v", tr.Health.HTTP, tr.Fingerprint.Exec)
	}
	if st.Products["identity"].CanaryWrite.HTTP.Method != "POST" {
		t.Errorf("canary write")
	}
	del := st.Actions["delete"]
	if !reflect.DeepEqual(del.Required, []string{"ids"}) || del.Params["mode"] != "mark" || del.Params["ids"] != nil {
		t.Errorf("params: %+v", del)
	}
	if got := st.Actions["restore-one"].Params["sites"]; !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("list default: %#v", got)
	}
	if st.Tenants.Seed.Action != "seed" || st.Tenants.List.HTTP.Path != "/admin/sites" {
		t.Errorf("tenants: %+v", st.Tenants)
	}
	chaos := st.Actions["chaos"].Steps
	if *chaos[3].Service != (ServiceOp{Name: "tracker", Op: "remove", Volumes: true}) || *chaos[6].Volume != (VolumeOp{Name: "wal", Op: "remove"}) {
		t.Errorf("ops: %+v %+v", chaos[3].Service, chaos[6].Volume)
	}
}

func TestAnchorsAndDefaults(t *testing.T) {
	sc, err := Load("testdata/valid/anchors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Recover) != 3 || sc.Recover[2].Wait == nil || len(sc.Sizes) != 2 || sc.Sizes[1].Sites != 2 {
		t.Errorf("aliases: %+v", sc.Recover)
	}
	sc, err = Load("testdata/valid/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Intervals != (Intervals{Probe: time.Second, Canary: 250 * time.Millisecond, Settle: 3, Grace: 30 * time.Second}) || sc.RecoveryTimeout != 10*time.Minute {
		t.Errorf("defaults: %+v %v", sc.Intervals, sc.RecoveryTimeout)
	}
	if sc.Protect != nil || len(sc.Stack.Protect) != 2 {
		t.Errorf("no protect in the scenario keeps the stack's")
	}
	sc, err = Load("testdata/valid/env.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Description != "set: from-env, default: fallback" || sc.Recover[0].Sleep != 2*time.Second ||
		sc.Inject[0].Exec.Command[2] != "echo ${HOME} ${DRILL_TEST_SET}" {
		t.Errorf("env: %q %v %q", sc.Description, sc.Recover[0].Sleep, sc.Inject[0].Exec.Command)
	}
	// A host value reaches a command through env:, never pasted into the script.
	if run := sc.Recover[1].Run; run.Env["SET"] != "from-env" || run.Command[2] != "echo ${SET}" {
		t.Errorf("run: env %q, command %q", run.Env, run.Command)
	}
}
