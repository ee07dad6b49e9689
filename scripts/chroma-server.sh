#!/usr/bin/env bash
# A Chroma server for the assistant (SOP_CHROMA_HOST / SOP_CHROMA_PORT), started and stopped by its PID file.
#   scripts/chroma-server.sh start PORT DIR   data in DIR/data, log in DIR/chroma.log, PID in DIR/chroma.pid
#   scripts/chroma-server.sh stop DIR         stops the server whose PID is in DIR/chroma.pid
# CHROMA (default: the project's .venv/bin/chroma) and CHROMA_HOST (default 127.0.0.1) may be set.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chroma="${CHROMA:-$here/../.venv/bin/chroma}"
host="${CHROMA_HOST:-127.0.0.1}"

usage() {
    echo "usage: $0 start PORT DIR | stop DIR" >&2
    exit 2
}

start() {
    local port="$1" dir="$2"
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    mkdir -p "$dir"
    if [[ -s "$dir/chroma.pid" ]] && kill -0 "$(cat "$dir/chroma.pid")" 2>/dev/null; then
        echo "chroma-server: already running in $dir (PID $(cat "$dir/chroma.pid"))" >&2
        exit 1
    fi
    nohup "$chroma" run --host "$host" --port "$port" --path "$dir/data" >"$dir/chroma.log" 2>&1 </dev/null &
    echo $! >"$dir/chroma.pid"
    echo "chroma-server: PID $! on $host:$port, data in $dir/data"
}

stop() {
    local dir="$1" pid
    [[ -s "$dir/chroma.pid" ]] || { echo "chroma-server: no PID file in $dir" >&2; exit 1; }
    pid="$(cat "$dir/chroma.pid")"
    # A stale PID file may name a process that is not ours any more: only a chroma server is stopped.
    if ps -p "$pid" -o command= | grep -q chroma && kill "$pid" 2>/dev/null; then
        # Chroma takes a few seconds to shut down on TERM; after ten it is killed.
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$dir/chroma.pid"
    echo "chroma-server: stopped PID $pid"
}

case "${1:-}" in
    start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
