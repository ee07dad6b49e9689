# Two commands do all the set-up on a fresh machine:
#   make run    set up, index the example documents, start the chat (http://127.0.0.1:8501)
#   make test   set up and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= .sop-index
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test setup index bench bench-national clean

$(BIN)/sop-assistant: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and exactly pinned: this version is the CPU build on local disk; a looser spec pulls CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/sop-assistant

index: setup
	$(BIN)/sop-assistant ingest examples/docs --index $(INDEX)

run: index
	SOP_INDEX_DIR=$(INDEX) $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false

# Two workers, each taking whole modules, the heavy ones first (tests/conftest.py): most tests wait on processes and
# servers, so a second worker fills the idle core. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Speed and size for the two real SOPs plus BENCH_SIZES synthetic schools (bench/corpus.py); figures in
# bench/RESULTS.md. The full run: make bench BENCH_SIZES=0,10,100,200,1000 BENCH_FLAGS=--server
BENCH_SIZES ?= 0,200
BENCH_FLAGS ?=
bench: setup
	$(BIN)/python bench/bench_scale.py --sizes $(BENCH_SIZES) $(BENCH_FLAGS)

# National scale on a Chroma server (bench/national.py, bench/bench_national.py): NATIONAL_SOURCE is an embedded
# index of real profiles (read from a copy), copied into NATIONAL_SCHOOLS schools with derived vectors.
NATIONAL_SOURCE ?= ../runs/p13
NATIONAL_SCHOOLS ?= 7000
NATIONAL_WORK ?= .bench/national-$(NATIONAL_SCHOOLS)
bench-national: setup
	$(BIN)/python bench/bench_national.py --source $(NATIONAL_SOURCE) --work $(NATIONAL_WORK) \
		--schools $(NATIONAL_SCHOOLS) --out $(NATIONAL_WORK)/result.json

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache
