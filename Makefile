# drill — make help lists the targets.
SHELL := /bin/bash
export TESTCONTAINERS_RYUK_DISABLED := true
export TESTCONTAINERS_HOST_OVERRIDE := localhost
export CGO_ENABLED ?= 0

GO      ?= go
GINKGO  := $(GO) tool ginkgo
BIN     := bin
PROCS   ?= 2

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/drill and bin/cloudsuite
	$(GO) build -o $(BIN)/drill ./cmd/drill
	$(GO) build -o $(BIN)/cloudsuite ./cmd/cloudsuite

.PHONY: deps
deps: ## install what building and running drills needs and is missing (apt, as root; else says what to run)
	./scripts/deps drill

.PHONY: deps-test
deps-test: ## install what the whole test suite needs and is missing (adds gcc, chromium, xmllint, python3-prometheus-client)
	./scripts/deps test

.PHONY: images
images: flagship-images ## build the catalogue's images (drill/postgres:15, drill/cloudsuite:dev, drill/mariadb:10.11); idempotent
	./stacks/maria-tenants/images.sh

.PHONY: flagship-images
flagship-images: deps ## build only what the flagship needs (the cloudsuite stack's drill/postgres:15 and drill/cloudsuite:dev); idempotent
	./stacks/cloudsuite/images.sh

.PHONY: drill
drill: flagship-images build ## run the flagship scenario (atlassian-2022 on cloudsuite) at its small size and print the HTML report's path
	./$(BIN)/drill run atlassian-2022 --size small --progress plain

.PHONY: drills
drills: images ## the catalogue at every size (LABELS=... to choose, e.g. LABELS='scenario:atlassian-2022')
	CGO_ENABLED=1 $(GINKGO) run --procs=1 --timeout=6h --keep-going --poll-progress-after=2m \
		--junit-report=$(CURDIR)/out/drills-junit.xml --label-filter='$(or $(LABELS),size:small)' ./drills

.PHONY: bench
bench: images ## benchmarks with their figures (loader, reports, seeding, restore)
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./scenarios ./reports ./harness/docker
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout 30m ./stacks/cloudsuite/

.PHONY: bench-scale
bench-scale: images build ## the 883-site incident measured at production size beside the small→large campaign that projects it; prints the figures (about 45 min)
	rm -rf out/bench-scale
	$(GO) test -run='^$$' -bench=ProbeRound -benchtime=1x -timeout 30m ./stacks/cloudsuite/
	for size in small medium large production; do \
		./$(BIN)/drill run atlassian-2022-batched --size $$size --progress plain --history none --out out/bench-scale/$$size || true; \
	done
	./$(BIN)/drill report out/bench-scale/*/result.json -r html=out/bench-scale/campaign.html
	$(GO) run ./scripts/scalefigures out/bench-scale/*/result.json

.PHONY: test-short
test-short: ## unit tests only, no Docker needed
	$(GO) test -short -race -count=1 ./...

# The catalogue's drills run at size small, except those labelled compose (the same drill as
# another's, on services read from a compose file, whose loading the unit tests cover): make
# drills runs them. kubetest needs a cluster: make test-kube runs it.
#
# CONTAINER_SUITES are the packages whose tests start containers and drills: they run one
# package at a time, after the others, which run two at a time (two cores: never two container
# suites at once). Of those others only ./stacks/cloudsuite starts a container (one
# PostgreSQL), so at most one container suite runs at any moment. A package whose tests start
# containers belongs in CONTAINER_SUITES.
CONTAINER_SUITES := ./cmd/drill ./drills ./harness/docker

.PHONY: test
test: deps-test images ## the whole suite: unit tests, then real containers
	@# Compile first with both cores (client-go under -race is the bulk).
	CGO_ENABLED=1 $(GO) build -race ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m -p 2 \
		$$($(GO) list ./... | grep -v -e '/kubetest$$' $(foreach p,$(CONTAINER_SUITES),-e '$(p:./%=/%)$$'))
	DRILL_LABELS='size:small && !compose' CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m -p 1 \
		$(CONTAINER_SUITES)

.PHONY: lint
lint: ## gofmt, go vet, staticcheck (pinned in go.mod)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

.PHONY: fuzz
fuzz: ## fuzz the scenario loader (FUZZTIME=10m by default)
	$(GO) test -run='^$$' -fuzz=FuzzLoad -fuzztime=$(or $(FUZZTIME),10m) ./scenarios

.PHONY: schema
schema: ## regenerate the committed JSON Schemas in schema/
	$(GO) test -count=1 ./cmd/drill -run Schema -update

# A single-node Kubernetes cluster built from Go modules and run as host processes (as root);
# docs/kube-cluster.md. The binaries are cached outside the repository, keyed by version.
KUBE_STATE ?= /var/tmp/drill-kube

.PHONY: kube-build
kube-build: ## build the cluster's binaries (Kubernetes v1.37.2, etcd, CoreDNS, pause) into ~/.cache/drill/kube (once)
	./scripts/kube/build.sh

.PHONY: kube-deps
kube-deps: ## install what the local cluster needs and is missing (containerd, runc, the CNI plugins, conntrack; apt, as root)
	./scripts/deps kube

.PHONY: kube-up
kube-up: kube-deps kube-build ## start the local Kubernetes cluster (refuses unless its routes stay on this machine); prints the kubeconfig
	DRILL_KUBE_STATE=$(KUBE_STATE) ./scripts/kube/up.sh

.PHONY: kube-images
kube-images: ## load drill's images from Docker into the running cluster (make images builds them)
	DRILL_KUBE_STATE=$(KUBE_STATE) ./scripts/kube/images.sh

.PHONY: kube-down
kube-down: ## stop the local Kubernetes cluster and remove its state, interfaces and rules
	DRILL_KUBE_STATE=$(KUBE_STATE) ./scripts/kube/down.sh

# What make test-kube and make drills-kube run of the catalogue on the cluster: all of it at
# small (KUBE_DRILLS=..., or LABELS=... for drills-kube, to choose less).
KUBE_DRILLS ?= size:small && !compose
KUBE_ENV = DRILL_KUBE_STATE=$(KUBE_STATE) DRILL_KUBECONFIG=$(KUBE_STATE)/admin.kubeconfig DRILL_HEAVY_LOCKED=1
KUBE_LOCK = $(if $(DRILL_HEAVY_LOCKED),,flock /tmp/drill-heavy.lock)

.PHONY: test-kube
test-kube: ## on the running cluster (make kube-up first): the kube runtime's contract, the cluster's smoke, interrupt and gc tests, and the catalogue at small with --runtime kube (loads the images)
	DRILL_KUBE_STATE=$(KUBE_STATE) ./scripts/kube/netcheck.sh
	$(KUBE_ENV) $(KUBE_LOCK) sh -c './scripts/kube/images.sh && \
		$(GO) test -count=1 -timeout 15m ./harness/kube && \
		$(GO) test -count=1 -v -timeout 30m ./kubetest -args -ginkgo.label-filter=kube -ginkgo.v && \
		DRILL_RUNTIME=kube DRILL_LABELS="$(KUBE_DRILLS)" $(GO) test -count=1 -timeout 30m -p 1 ./drills'

# What .ci/run runs on the cluster: the runtime contract and the cluster's smoke test. The
# interrupts and the drills on kube (make test-kube) are left out of CI until a drill on the
# cluster stops failing, now and then, at its baseline (docs/kubernetes.md).
.PHONY: test-kube-ci
test-kube-ci: ## the part of make test-kube that CI runs: the kube runtime's contract and the cluster's smoke test
	DRILL_KUBE_STATE=$(KUBE_STATE) ./scripts/kube/netcheck.sh
	$(KUBE_ENV) $(KUBE_LOCK) sh -c './scripts/kube/images.sh && \
		$(GO) test -count=1 -timeout 15m ./harness/kube && \
		$(GO) test -count=1 -v -timeout 15m ./kubetest -args -ginkgo.label-filter="kube && !interrupts" -ginkgo.v'

.PHONY: drills-kube
drills-kube: ## the whole catalogue at small on the running cluster with --runtime kube (LABELS=... to choose)
	$(KUBE_ENV) $(KUBE_LOCK) sh -c './scripts/kube/images.sh && \
		DRILL_RUNTIME=kube DRILL_LABELS="$(or $(LABELS),$(KUBE_DRILLS))" $(GO) test -count=1 -timeout 60m -p 1 ./drills'

.PHONY: clean
clean: ## remove build outputs
	rm -rf $(BIN)
