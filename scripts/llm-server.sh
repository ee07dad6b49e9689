#!/usr/bin/env bash
# llama.cpp's OpenAI-compatible server for a local GGUF (SOP_LLM=openai:<alias>, SOP_LLM_BASE_URL=http://HOST:PORT/v1),
# started and stopped by its PID file.
#   scripts/llm-server.sh start PORT DIR [MODEL.gguf]  log in DIR/llm.log, PID in DIR/llm.pid; the model's alias is
#                                                      its file name without .gguf (default: the one install-llm.sh puts
#                                                      in .models/)
#   scripts/llm-server.sh stop DIR                     stops the server whose PID is in DIR/llm.pid
# PYTHON (default: the project's .venv/bin/python), LLM_HOST (default 127.0.0.1), LLM_THREADS (default 2) and
# LLM_CTX (default 4096) may be set.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-$here/../.venv/bin/python}"
host="${LLM_HOST:-127.0.0.1}"
default_model="$here/../.models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

usage() {
    echo "usage: $0 start PORT DIR [MODEL.gguf] | stop DIR" >&2
    exit 2
}

start() {
    local port="$1" dir="$2" model="${3:-$default_model}"
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    [[ -f "$model" ]] || { echo "llm-server: no model at $model (run scripts/install-llm.sh)" >&2; exit 1; }
    mkdir -p "$dir"
    if [[ -s "$dir/llm.pid" ]] && kill -0 "$(cat "$dir/llm.pid")" 2>/dev/null; then
        echo "llm-server: already running in $dir (PID $(cat "$dir/llm.pid"))" >&2
        exit 1
    fi
    nohup "$python" -m llama_cpp.server --host "$host" --port "$port" --model "$model" \
        --model_alias "$(basename "$model" .gguf)" --n_ctx "${LLM_CTX:-4096}" --n_threads "${LLM_THREADS:-2}" \
        >"$dir/llm.log" 2>&1 </dev/null &
    echo $! >"$dir/llm.pid"
    echo "llm-server: PID $! on $host:$port, model $(basename "$model" .gguf)"
}

stop() {
    local dir="$1" pid
    [[ -s "$dir/llm.pid" ]] || { echo "llm-server: no PID file in $dir" >&2; exit 1; }
    pid="$(cat "$dir/llm.pid")"
    # A stale PID file may name a process that is not ours any more: only a llama_cpp server is stopped.
    if ps -p "$pid" -o command= | grep -q llama_cpp.server && kill "$pid" 2>/dev/null; then
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$dir/llm.pid"
    echo "llm-server: stopped PID $pid"
}

case "${1:-}" in
    start) [[ $# -eq 3 || $# -eq 4 ]] || usage; start "$2" "$3" "${4:-}" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
