#!/bin/bash
# Upstream's Python bindings (nubificus/vaccel-python, CFFI generated from the
# preprocessed vaccel.h found through pkg-config) built against OUR headers and
# libvaccel, running their own pytest suite with our noop plugin.
#
# Source: <repo>/../shared/third_party/vaccel-python-<commit>.tar.gz when
# present, else a download of the pinned commit (GitHub); when neither is
# possible the script prints SKIPPED with the reason. Python packages come
# from Debian (scripts/install-deps.sh bindings).
# usage: tests/compat/python-bindings.sh [build-dir]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$REPO/build}" && pwd)
COMMIT=d36c2be9f4245d296439051022500dffe5e5f5c8 # v0.3.0+vaccel.0.8.0
SHORT=${COMMIT:0:7}
OUT=$BUILD/vaccel-python
TGZ=$REPO/../shared/third_party/vaccel-python-$SHORT.tar.gz
mkdir -p "$OUT"
if [ ! -f "$OUT/src/.extracted" ]; then
	if [ ! -f "$TGZ" ]; then
		TGZ=$OUT/vaccel-python-$SHORT.tar.gz
		if [ ! -f "$TGZ" ] && ! curl -fsSL --max-time 60 -o "$TGZ" \
			"https://github.com/nubificus/vaccel-python/archive/$COMMIT.tar.gz"; then
			rm -f "$TGZ"
			echo "python bindings: SKIPPED (vaccel-python $SHORT is not in ../shared/third_party and GitHub is not reachable)"
			exit 0
		fi
	fi
	rm -rf "$OUT/src" && mkdir -p "$OUT/src"
	tar xzf "$TGZ" -C "$OUT/src" --strip-components=1
	touch "$OUT/src/.extracted"
fi
PY=/usr/bin/python3
if ! $PY -c 'import cffi, pkgconfig, pytest, numpy' 2>/dev/null; then
	echo "python bindings: SKIPPED (run scripts/install-deps.sh bindings)"
	exit 0
fi
RT=$BUILD/runtime
cd "$OUT/src"
# Build-time glue a pip install would provide: the setuptools-scm version
# file, and no pyproject.toml while compiling (Debian 12's setuptools cannot
# read its license field). The package's own code and tests run unchanged.
echo '__version__ = "0.3.0+vaccel.0.8.0"' >vaccel/_version.py
[ -f pyproject.toml ] && mv pyproject.toml pyproject.toml.upstream
export PKG_CONFIG_PATH=$RT
$PY -c 'from build_ffi import compile_ffi; compile_ffi()' >"$OUT/build.log" 2>&1 ||
	{ echo "python bindings: FAILED to build the CFFI module against our headers"; tail -20 "$OUT/build.log"; exit 1; }
# The tests read upstream's example data from <libdir>/../share/vaccel.
CB=$BUILD/conformance
. "$REPO/tests/conformance/upstream-src.sh"
mkdir -p "$RT/share" && ln -sfn "$UP/examples" "$RT/share/vaccel"
# Two tests convert torch.Tensor objects with Tensor.untyped_storage(), which
# PyTorch has only since 2.0; Debian 12 ships 1.13. They are skipped (and
# said so) there: that is the Python environment, not the library.
deselect=()
if $PY -c 'import sys, torch; sys.exit(int(torch.__version__.split(".")[0]) >= 2)' 2>/dev/null; then
	for t in test_tensor_from_torch test_torch_from_torch; do
		deselect+=(--deselect "tests/test_torch.py::$t")
		echo "python bindings: SKIPPED tests/test_torch.py::$t (needs PyTorch >= 2.0, Debian has $($PY -c 'import torch; print(torch.__version__)'))"
	done
fi
set +e
PYTHONPATH=$PWD $PY -m pytest -q -p no:cacheprovider "${deselect[@]}" tests >"$OUT/pytest.log" 2>&1
rc=$?
set -e
grep -E '^(FAILED|ERROR)' "$OUT/pytest.log" || true
summary=$(grep -E '[0-9]+ (passed|failed)' "$OUT/pytest.log" | tail -1 || true)
echo "python bindings: vaccel-python $SHORT against our libvaccel: $summary (log: $OUT/pytest.log)"
exit $rc
