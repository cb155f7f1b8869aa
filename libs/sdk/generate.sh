#!/usr/bin/env bash
# Generates the TypeScript and Python SDKs' code from proto/ (the one place
# that does). The output is committed; `generate.sh --check` regenerates into
# a scratch folder and fails when the committed code is stale.
#
# Needs: the TypeScript SDK's npm packages (`npm ci` in libs/sdk/typescript,
# for buf and protoc-gen-es) and a Python with the pinned grpcio-tools
# (libs/sdk/python/requirements-dev.txt); PYTHON names it (default python3).
set -euo pipefail
sdk="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$sdk/../.." && pwd)"
python="${PYTHON:-python3}"
# Absolute, because the generation runs in other folders (a venv's python is
# kept as the link it is: resolving it would leave the venv).
[[ "$python" == */* ]] && python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
check=false
[ "${1:-}" = "--check" ] && check=true

ts_out="$sdk/typescript/src/gen"
py_out="$sdk/python/src" # protoc writes redress/<pkg>/v1/ under it
# The generated Python packages, one per proto package root under redress/.
py_packages=(common intake resolution notification feedback)

generate_into() { # <typescript out> <python out>
  local ts="$1" py="$2"
  mkdir -p "$ts" "$py"
  # protoc-gen-es v2 (ESM + .d.ts via tsc); google/rpc comes from the vendored protos.
  (cd "$sdk/typescript" &&
    PATH="$sdk/typescript/node_modules/.bin:$PATH" buf generate "$root/proto" --template buf.gen.yaml -o "$ts" &&
    PATH="$sdk/typescript/node_modules/.bin:$PATH" buf generate vendor --template buf.gen.yaml -o "$ts")
  local protos=()
  while IFS= read -r f; do protos+=("$f"); done < <(cd "$root/proto" && find redress -name '*.proto' | sort)
  (cd "$root/proto" && "$python" -m grpc_tools.protoc -I. \
    --python_out="$py" --pyi_out="$py" --grpc_python_out="$py" "${protos[@]}")
  # Regular packages (not namespace packages), so setuptools and mypy see them.
  for pkg in "${py_packages[@]}"; do
    find "$py/redress/$pkg" -type d -exec sh -c ': > "$1/__init__.py"' _ {} \;
  done
}

if ! $check; then
  rm -rf "$ts_out"
  for pkg in "${py_packages[@]}"; do rm -rf "${py_out:?}/redress/$pkg"; done
  generate_into "$ts_out" "$py_out"
  echo "generated $ts_out and $py_out/redress/{$(IFS=,; echo "${py_packages[*]}")}"
  exit 0
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
generate_into "$scratch/ts" "$scratch/py"
stale=0
diff -r "$scratch/ts" "$ts_out" || stale=1
for pkg in "${py_packages[@]}"; do
  diff -r -x __pycache__ "$scratch/py/redress/$pkg" "$py_out/redress/$pkg" || stale=1
done
if [ "$stale" -ne 0 ]; then
  echo "FAIL: the generated SDK code is stale; run libs/sdk/generate.sh and commit the result" >&2
  exit 1
fi
echo "generated SDK code is up to date"
