package main

import (
	"strings"
	"testing"
)

// TestRenderGolden: the request of each transport and form, rendered without Docker.
func TestRenderGolden(t *testing.T) {
	goldenCLI(t, map[string][]string{
		// sql per site, PostgreSQL: one request per site, each ID quoted for its driver.
		"render-pg-health.txt": {"render", "pg-tenant-purge", "health", "--sites", "1,4"},
		// sql batch canary write, MariaDB, in one transaction.
		"render-maria-canary-write.txt": {"render", "maria-tenant-purge", "canary-write", "--sites", "1,2", "--seq", "7"},
		// http batch: the contract's JSON body.
		"render-http-health-batch.txt": {"render", "atlassian-2022", "health-batch", "--product", "tracker", "--sites", "1,4"},
		// exec per site, by ID; a link; the tenant list.
		"render-exec-fingerprint.txt": {"render", testdata + "valid/full.yaml", "fingerprint", "--product", "tracker", "--site-ids", "it's"},
		// a step inside an action of a foreach step: once per site, .T0 as a placeholder.
		"render-recover-step.txt": {"render", "pg-tenant-purge", "recover.2.1", "--sites", "3"},
		"render-t0.txt":           {"render", "pg-tenant-purge", "recover.1.1"},
		"render-t0-given.txt":     {"render", "pg-tenant-purge", "recover.1.1", "--t0", "2026-05-01T12:00:00.5Z"},
		// an action of a stack file, with its arguments from --arg.
		"render-stack-action.txt": {"render", testdata + "stacks/suite.yaml", "delete.1", "--arg", "ids=s-1"},
	})
}

func TestRenderShowsWhatEachFormSends(t *testing.T) {
	for what, c := range map[string]struct {
		args []string
		want []string
	}{
		"sql, quoted per driver": {[]string{"render", "maria-tenant-purge", "health", "--site-ids", "it's"},
			[]string{"sql on db (driver mysql, database tenants), query: its rows answer:", `tenant_id = 'it''s'`}},
		"http batch body": {[]string{"render", "atlassian-2022", "health-batch", "--product", "tracker", "--sites", "1,4"},
			[]string{"http POST ", `body: {"sites":["site#1","site#4"]}`}},
		"exec argv": {[]string{"render", testdata + "valid/full.yaml", "fingerprint", "--product", "tracker", "--sites", "2"},
			[]string{"exec in tracker:\nsuite fingerprint --site 'site#2'\n"}},
		"a link by name": {[]string{"render", testdata + "stacks/suite.yaml", "tracker-identity", "--sites", "5"},
			[]string{"http GET /sites/site#5/links (service tracker, container port 8080)"}},
		"a milestone, .T0 placeholder": {[]string{"render", testdata + "valid/full.yaml", "customers-notified", "--sites", "1,2"},
			[]string{"/notices?sites=site#1,site#2&since=<t0>"}},
		"the tenant list": {[]string{"render", "pg-tenant-purge", "tenants-list"},
			[]string{"SELECT tenant_id FROM tenants"}},
		"a non-request step": {[]string{"render", "pg-whole-db-restore", "recover.2"},
			[]string{"# recover.2 (service step)\nservice stop db\n"}},
	} {
		t.Run(what, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != exitPass {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestRenderRefusesWithAUsefulMessage(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown what":       {[]string{"render", "pg-tenant-purge", "nope"}, "want health, health-batch, fingerprint, fingerprint-batch, canary-write, canary-read, tenants-list, db-up, protect.N"},
		"product to name":    {[]string{"render", "atlassian-2022", "health"}, "name the product with --product (the stack has identity, pager, status, tracker, wiki)"},
		"form not declared":  {[]string{"render", "pg-tenant-purge", "health-batch"}, "product shop declares no health-batch (it declares health, fingerprint, canary-write, canary-read)"},
		"step out of range":  {[]string{"render", "pg-tenant-purge", "recover.9"}, "recover.9: recover has 3 steps, numbered from 1"},
		"into a non-action":  {[]string{"render", "pg-whole-db-restore", "recover.2.1"}, "recover.2 is a service step, with no steps inside"},
		"sites and site-ids": {[]string{"render", "pg-tenant-purge", "health", "--sites", "1", "--site-ids", "a"}, "--sites and --site-ids do not combine"},
		"position 0":         {[]string{"render", "pg-tenant-purge", "health", "--sites", "0"}, "positions start at 1"},
		"bad t0":             {[]string{"render", "pg-tenant-purge", "health", "--t0", "noon"}, "--t0 \"noon\": want RFC 3339"},
		"size of a stack":    {[]string{"render", testdata + "stacks/suite.yaml", "health", "--product", "tracker", "--size", "small"}, "a stack has none"},
		"missing scenario":   {[]string{"render", "no-such-scenario", "health"}, "no-such-scenario"},
		"one argument only":  {[]string{"render", "pg-tenant-purge"}, "accepts 2 arg(s)"},
		"unknown size":       {[]string{"render", "pg-tenant-purge", "health", "--size", "huge"}, "--size"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runCLI(t, c.args...)
			if code != exitUsage || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q, want exit 2 and %q", code, errOut, c.want)
			}
		})
	}
}

func TestRenderHelpAnswers(t *testing.T) {
	code, out, _ := runCLI(t, "render", "--help")
	for _, want := range []string{"render SCENARIO|STACK WHAT", "health-batch", "PHASE.N", "--sites", "--site-ids", "--run", "--t0", "drill run --keep"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("help (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
}
