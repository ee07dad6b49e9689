# Two commands do all the set-up on a fresh machine:
#   make run    set up, index the example documents, start the chat (http://127.0.0.1:8501)
#   make test   set up and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= .sop-index
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test setup index bench clean

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
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_retrieval.py

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache
