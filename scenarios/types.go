package scenarios

import "time"

// Pos is a place in a source file, for error messages.
type Pos struct {
	File string
	Line int
	Col  int
}

// Stack is a `kind: Stack` document: the system under test.
type Stack struct {
	Pos         Pos
	Name        string
	Description string
	// File is the path as given, or "builtin:stacks/NAME/stack.yaml".
	File string
	// Dir is the directory of the stack file (for build contexts); empty for built-ins.
	Dir string
	// Source is the file's bytes, for its hash in the result.
	Source []byte
	// Compose is the compose file the services come from, as File names it ("" when none),
	// and ComposeSource its bytes (hashed with Source).
	Compose       string
	ComposeSource []byte
	Services      map[string]*Service
	// Order is the services in a dependency order (dependencies first), names sorted within a level.
	Order    []string
	Tenants  Tenants
	Protect  []*Step
	Products map[string]*Product
	Links    map[string]*Probe
	Actions  map[string]*Action

	// templates are the stack's templates, checked again against each scenario's sizes.
	templates []tmplRef
}

// Service is one container of the stack.
type Service struct {
	Pos       Pos
	Name      string
	Image     string
	Build     string // Dockerfile context directory, absolute after loading from disk (as written for built-ins); empty when none
	Command   []string
	Env       map[string]EnvValue
	Ports     []int
	Volumes   map[string]Mount // volume name -> where and how it is mounted
	DependsOn []string
	SQL       *SQLConn
	Ready     *Ready
}

// EnvValue is one environment entry; secret values never appear in results or reports.
type EnvValue struct {
	Value  string
	Secret bool
}

// Mount is where a container mounts a stack volume, and how.
type Mount struct {
	Path     string
	ReadOnly bool // mounted read-only
	// NoCopy: Docker does not copy the image's files at Path into the volume when the volume
	// is new and empty (a datadir the image ships would otherwise fill it).
	NoCopy bool
}

// SQL drivers of an sql connection.
const (
	DriverPostgres = "postgres" // the default (pgx)
	DriverMySQL    = "mysql"    // MySQL and MariaDB (go-sql-driver/mysql)
)

// SQLDrivers lists the drivers, the default first.
var SQLDrivers = []string{DriverPostgres, DriverMySQL}

// SQLConn says how sql steps and probes connect to a service.
type SQLConn struct {
	Driver   string // DriverPostgres (default) or DriverMySQL
	Port     int
	User     string
	Password string
	Database string
}

// Ready is a service's readiness probe.
type Ready struct {
	Probe    Probe
	Timeout  time.Duration // default 60s
	Interval time.Duration // default 250ms
}

// Tenants says how sites are created and listed.
type Tenants struct {
	Seed *Step // usually {action: seed}
	// List names the sites, in order: http (a JSON array of site IDs), sql (the first column
	// of the rows) or exec (stdout: a JSON array, or one ID per line).
	List *Probe
}

// Product is one service holding per-site data.
type Product struct {
	Pos         Pos
	Name        string
	Service     string
	Health      *Probe // per site
	Fingerprint *Probe // per site; the body is the checksum
	// HealthBatch and FingerprintBatch are optional batch forms: the harness sends the list of
	// sites and the service answers per site (see the probe contracts in the reference).
	HealthBatch      *Probe
	FingerprintBatch *Probe
	// CanaryWrite and CanaryRead are the batched canary write (its templates see .Seq) and
	// read (see the canary contracts in the reference); both nil when the product declares
	// no canary: its data loss is then not measured.
	CanaryWrite *Probe
	CanaryRead  *Probe
}

// Action is a named operation the stack exports.
type Action struct {
	Pos         Pos
	Name        string
	Description string
	// Params maps a parameter to its default; Required lists those without one.
	Params   map[string]any
	Required []string
	Steps    []*Step
}

// Probe is a check: exactly one of HTTP, SQL, Exec, Log is set.
type Probe struct {
	Pos  Pos
	Name string // for steady-state probes and milestones
	HTTP *HTTPCall
	SQL  *SQLCall
	Exec *ExecCall
	Log  string // readiness only
}

// HTTPCall is an HTTP request to a service. Strings are templates.
type HTTPCall struct {
	Service string
	Port    int    // 0: the service's first port
	Method  string // default GET
	Path    string
	Headers map[string]string
	Body    string
	Expect  []int // empty: any 2xx
}

// SQLCall is a query against a service with an SQLConn.
type SQLCall struct {
	Service  string
	Database string // empty: the service's database
	Query    string
}

// ExecCall is a command in a running service.
type ExecCall struct {
	Service string
	Command []string
	User    string
}

// RunCall is a one-shot container on the run's network.
type RunCall struct {
	Image   string
	Command []string
	Env     map[string]string
	Volumes map[string]Mount // stack volume name -> where and how it is mounted
	User    string
}

// ServiceOp is a Docker-level operation on a service.
type ServiceOp struct {
	Name    string
	Op      string // stop, start, kill, pause, unpause, restart, remove, recreate
	Volumes bool   // with remove: remove its volumes too
}

// VolumeOp is a Docker-level operation on a volume.
type VolumeOp struct {
	Name string
	Op   string // wipe, remove
}

// Wait polls a probe until it passes.
type Wait struct {
	Probe    Probe
	Timeout  time.Duration // default 60s
	Interval time.Duration // default 500ms
}

// Step kinds, one closed set.
const (
	KindExec    = "exec"
	KindRun     = "run"
	KindHTTP    = "http"
	KindSQL     = "sql"
	KindWait    = "wait"
	KindSleep   = "sleep"
	KindService = "service"
	KindVolume  = "volume"
	KindAction  = "action"
	KindManual  = "manual"
)

// Step is one step of an action, a protect list, inject or recover. Exactly one kind field is
// set; Kind names it.
type Step struct {
	Pos  Pos
	Name string
	Kind string

	Exec    *ExecCall
	Run     *RunCall
	HTTP    *HTTPCall
	SQL     *SQLCall
	Wait    *Wait
	Sleep   time.Duration
	Service *ServiceOp
	Volume  *VolumeOp
	Action  string
	With    map[string]any // action arguments: strings are templates; lists of strings allowed
	Manual  *Manual

	Foreach     *Foreach
	Concurrency int           // default 1
	Timeout     time.Duration // 0: none (the phase's own timeout applies)
	Retries     int
}

// Site sets of a foreach.
const (
	SitesAll        = "all"
	SitesAffected   = "affected"
	SitesUnaffected = "unaffected"
)

// Foreach fans a step out over sites.
type Foreach struct {
	From  string // all, affected, unaffected
	Count int    // > 0: choose this many of From
	// CountText is a count given as a template of the size ("{{.Size.deleted}}"), so that one
	// scenario hits a fraction at small sizes and an exact number at production scale; Count
	// is then 0 until Resolve.
	CountText string
	Fraction  float64 // > 0: choose ceil(Fraction × len(From)), at least one
	Seed      int64   // mixed with the run's seed for the choice
	HasSeed   bool
}

// Scenario is a `kind: Scenario` document.
type Scenario struct {
	Pos         Pos
	Name        string
	Description string
	File        string // the path as given, or "builtin:scenarios/NAME.yaml"
	Source      []byte
	StackRef    string
	Stack       *Stack // resolved, with overrides applied
	Overrides   map[string]*Override
	// Sizes in file order.
	Sizes       []*Size
	Protect     []*Step // nil: the stack's
	SteadyState []*Probe
	Inject      []*Step
	Recover     []*Step
	// Milestones in file order.
	Milestones      []*Probe
	Intervals       Intervals
	RecoveryTimeout time.Duration // default 10m
	Targets         Targets
	ProjectTo       map[string]float64 // e.g. sites-affected: 883
	Expect          *Expect
}

// Override changes a service for one scenario.
type Override struct {
	Env     map[string]EnvValue // merged over the service's
	Command []string            // replaces when not nil
}

// Size is a named parameter set. Params always has "sites".
type Size struct {
	Name   string
	Params map[string]string
	Sites  int
}

// Intervals are the measurement intervals.
type Intervals struct {
	Probe  time.Duration // default 1s
	Canary time.Duration // default 250ms (grows with sites at run time)
	Settle int           // passing polls in a row; default 3
	// Grace is how long after the runbook's end verification keeps polling for affected
	// sites that have not settled; default 30s.
	Grace time.Duration
}

// Targets are the objectives. A nil pointer is no target.
type Targets struct {
	RTO                  *time.Duration
	SiteRTOP95           *time.Duration
	RPO                  *time.Duration
	LostWrites           *int
	CollateralLostWrites *int
	IntegrityMismatches  *int
	BrokenLinks          *int
	ProjectedRTO         *time.Duration
	HumanTime            *time.Duration // the runbook's manual steps, confirmed or simulated
	AutomatedTime        *time.Duration // the rest of the runbook
	Milestones           map[string]time.Duration
	// Sizes holds per-size overrides; only set fields override.
	Sizes map[string]*Targets
}

// Expect is a negative control's declaration of what it must catch.
type Expect struct {
	Verdict  string
	Breaches []string
}

// Document is one loaded file: exactly one of Scenario and Stack is set.
type Document struct {
	Kind     string // "Scenario" or "Stack"
	Scenario *Scenario
	Stack    *Stack
	// Warnings are what the file may mean to do but likely does wrong (a value quoted by hand
	// in SQL), positioned as errors are; they do not make it invalid.
	Warnings Errors
}
