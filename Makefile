# loopwatch — build, test, demo.
# `make test` and `make demo` install librdkafka-dev and kcat with apt when they are missing (and,
# optionally, chromium for the report page's browser test; CHROMIUM=0 leaves it out).

SWIFT        ?= swift
PREFIX       ?= /usr/local
DESTDIR      ?=
CONFIG       ?= debug
SWIFT_FLAGS  ?=
CHROMIUM     ?= 1
BIN_DIR       = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)

.PHONY: all deps build release test lint format demo bench bench-peer bench-recovery chaos install clean noida

all: build

## deps: install the system packages loopwatch builds and tests against (Debian / Ubuntu).
deps:
	@missing=""; \
	pkg-config --exists rdkafka 2>/dev/null && test -f /usr/include/librdkafka/rdkafka_mock.h || missing="$$missing librdkafka-dev"; \
	command -v kcat >/dev/null 2>&1 || missing="$$missing kcat"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3 python3-pip"; \
	python3 -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v promtool >/dev/null 2>&1 || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema 2>/dev/null || python3 -m pip install -q --break-system-packages jsonschema
	@# Optional: headless Chromium renders the `loopwatch report` page in a test (skipped without it).
	@if [ "$(CHROMIUM)" != 0 ] && ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing chromium (optional: the report page's browser test; CHROMIUM=0 skips this)"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
	    || echo "chromium not installed: the report page's browser test will be skipped"; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

release: deps
	$(SWIFT) build -c release $(SWIFT_FLAGS)

## noida: install the pinned noida-db (an isolating Kafka-compatible broker) into .venv-noida/.
## The noida suites find its binary through LOOPWATCH_NOIDA_BIN; without it they are skipped,
## saying why (LOOPWATCH_REQUIRE_NOIDA=1, as in CI, turns that into a failure).
noida:
	@tools/install_noida.sh

# Runs its argument with LOOPWATCH_NOIDA_BIN exported, or LOOPWATCH_NOIDA_UNAVAILABLE and a note.
WITH_NOIDA = if noida_out=$$(tools/install_noida.sh); then export LOOPWATCH_NOIDA_BIN="$$noida_out"; \
	  else echo "noida-db: $$noida_out; the noida suites will be skipped" >&2; \
	  export LOOPWATCH_NOIDA_UNAVAILABLE="$$noida_out"; fi;

## test: the whole test suite (unit, scenario, Kafka mock-cluster and noida broker, binary and
## deployment checks).
## lint: the house style (.swift-format, 120 columns); `make format` applies it.
LINT_PATHS = Sources Tests Benchmarks/Sources Benchmarks/Benchmarks
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(LINT_PATHS)

format:
	$(SWIFT) format --in-place --recursive --parallel $(LINT_PATHS)

test: deps lint
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	python3 tools/check_schemas.py "$$($(SWIFT) build --show-bin-path $(SWIFT_FLAGS))/loopwatch"
	tools/check_deploy.sh "$$($(SWIFT) build --show-bin-path $(SWIFT_FLAGS))/loopwatch"
	@# Three rounds, so that the CPU-bound property suites never share the two cores with the
	@# suites whose SLAs run on the wall clock (seconds-long deadlines through a real broker); the
	@# mock-broker round runs one test at a time (about 5 minutes) so no test starves another.
	$(SWIFT) test --skip-build $(SWIFT_FLAGS) --filter 'LoopwatchCoreTests|LoopwatchConfigurationTests|LoopwatchReportTests'
	$(SWIFT) test --skip-build $(SWIFT_FLAGS) --no-parallel --filter 'KafkaClientTests|LoopwatchWorkerTests|loopwatchTests' --skip 'Noida'
	@$(WITH_NOIDA) set -x; $(SWIFT) test --skip-build $(SWIFT_FLAGS) --filter 'Noida'

## chaos: the long fault suite in both flavours: on the mock cluster (seeded random kill -9, workers
## joining/leaving, broker outages, transaction and produce errors, bad events) and on noida (kill -9
## and restart of workers and of the broker, SIGSTOP/SIGCONT, bad events; strictly no duplicates).
## CHAOS_SECONDS and CHAOS_SEED (default: random).
CHAOS_SECONDS ?= 180
CHAOS_SEED    ?= $(shell od -An -N3 -tu4 /dev/urandom | tr -d ' ')
chaos: deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	@$(WITH_NOIDA) set -x; LOOPWATCH_CHAOS_SECONDS=$(CHAOS_SECONDS) LOOPWATCH_CHAOS_SEED=$(CHAOS_SEED) \
	  $(SWIFT) test --skip-build $(SWIFT_FLAGS) --filter ChaosTests

## bench: release-build benchmarks (not part of CI): micro (ordo-one/benchmark) and system ones.
## BENCH_QUICK=1 for a smoke run. Results are written up in Benchmarks/README.md.
## The micro suite (single-threaded, "per core") runs pinned to one core when taskset exists.
PIN := $(shell command -v taskset >/dev/null 2>&1 && echo "taskset -c 1")
bench: deps
	cd Benchmarks && $(SWIFT) build -c release
	cd Benchmarks && BENCH_QUICK=$(BENCH_QUICK) $(PIN) $(SWIFT) package --allow-writing-to-package-directory benchmark --format markdown --no-progress
	cd Benchmarks && BENCH_QUICK=$(BENCH_QUICK) $(PIN) "$$($(SWIFT) build -c release --show-bin-path)/LoopwatchBench" engine 8
	cd Benchmarks && BENCH_QUICK=$(BENCH_QUICK) $(PIN) "$$($(SWIFT) build -c release --show-bin-path)/LoopwatchBench" decode 8
	cd Benchmarks && BENCH_QUICK=$(BENCH_QUICK) $(PIN) "$$($(SWIFT) build -c release --show-bin-path)/LoopwatchBench" release 5
	cd Benchmarks && BENCH_QUICK=$(BENCH_QUICK) "$$($(SWIFT) build -c release --show-bin-path)/LoopwatchBench"

## bench-peer: Apache Flink (PyFlink from pip, in .venv-flink/) and `loopwatch replay` on the same
## generated events, interleaved, pinned to one core, three rounds (not part of CI; needs Java 17).
bench-peer: deps
	$(SWIFT) build -c release --product loopwatch $(SWIFT_FLAGS)
	Benchmarks/peer/run.sh "$$($(SWIFT) build -c release --show-bin-path)/loopwatch"

## bench-recovery: kill -9 of `loopwatch run` holding 1M conversations over 16 partitions on noida-db,
## restarted with its id; prints the time to ready and the restore rate (not part of CI).
bench-recovery: deps
	$(SWIFT) build -c release --product loopwatch $(SWIFT_FLAGS)
	@$(WITH_NOIDA) LOOPWATCH_BIN="$$($(SWIFT) build -c release --show-bin-path)/loopwatch" \
	  Benchmarks/recovery/recovery.sh $(RECOVERY_CONVERSATIONS)

RECOVERY_CONVERSATIONS ?= 1000000

## demo: the main job end to end on the embedded broker, in about a minute.
demo: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product loopwatch
	"$$($(SWIFT) build --show-bin-path)/loopwatch" demo

## install: the binary, the systemd unit and an example /etc/loopwatch/loopwatch.yaml (kept if present).
SYSCONFDIR   ?= /etc
UNITDIR      ?= /etc/systemd/system
install: release
	install -D -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/loopwatch" "$(DESTDIR)$(PREFIX)/bin/loopwatch"
	install -d -m 0755 "$(DESTDIR)$(UNITDIR)"
	sed 's#/usr/local/bin/loopwatch#$(PREFIX)/bin/loopwatch#g; s#/usr/local/share#$(PREFIX)/share#g' deploy/loopwatch.service > "$(DESTDIR)$(UNITDIR)/loopwatch.service"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/loopwatch.service"
	install -d -m 0755 "$(DESTDIR)$(SYSCONFDIR)/loopwatch" "$(DESTDIR)$(SYSCONFDIR)/loopwatch/credentials"
	@if [ -e "$(DESTDIR)$(SYSCONFDIR)/loopwatch/loopwatch.yaml" ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/loopwatch/loopwatch.yaml"; \
	else \
	  install -m 0644 config/loopwatch.example.yaml "$(DESTDIR)$(SYSCONFDIR)/loopwatch/loopwatch.yaml"; \
	fi
	@# LoadCredential= needs the file to exist; an empty one is fine until SASL is configured.
	@[ -e "$(DESTDIR)$(SYSCONFDIR)/loopwatch/credentials/kafka-password" ] || install -m 0600 /dev/null "$(DESTDIR)$(SYSCONFDIR)/loopwatch/credentials/kafka-password"
	install -D -m 0644 README.md "$(DESTDIR)$(PREFIX)/share/doc/loopwatch/README.md"

clean:
	rm -rf .build .venv-noida .venv-noida.log
