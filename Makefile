# Two commands on a fresh machine with only python3:
#   make report   -> set up .venv if missing, render the default evidence report into reports/out/
#   make test     -> set up .venv if missing, run every test, notebooks included (nbval)
# The environment is (re)installed only when pyproject.toml changes, so re-runs take seconds.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core. Each test file runs whole in one process (--dist
# loadfile), so a notebook's cells run in order in one kernel and module fixtures are built once.
TEST_JOBS ?= auto
# Jupyter's platformdirs migration warning would otherwise break nbval under -W error.
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS thread: the models fit small matrices, where threads only contend (wage_gap ran 10-50x
# slower under load), and a fixed thread count keeps floating-point sums, hence notebook outputs, stable.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

.PHONY: report test test-fast test-slow env benchmarks clean-env

$(STAMP): pyproject.toml
	@echo "==> setting up $(VENV) (once; again only when pyproject.toml changes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/python -m pip install --quiet -e ".[dev]" >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $(STAMP)
	@echo "==> environment ready: $(VENV)"

env: $(STAMP)

report: $(STAMP)
	@$(BIN)/h2gender report --data synthetic --program all --lang en,es --format both --out reports/out

test: $(STAMP)
	@$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)

# Library tests only, without the notebooks (fast inner loop while developing).
test-fast: $(STAMP)
	@$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile tests -m "not slow" $(PYTEST_ARGS)

# Coverage simulations over many seeds (minutes); run by hand and before a release.
test-slow: $(STAMP)
	@H2GENDER_FULL_STUDY=1 $(BIN)/python -m pytest tests -m slow $(PYTEST_ARGS)

benchmarks: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@for b in benchmarks/bench_*.py; do echo "==> $$b"; $(BIN)/python $$b || exit 1; done

clean-env:
	rm -rf $(VENV)
