#!/usr/bin/env bash
# Pion and aiortc clients against the gateway (one-call form, loopback bridge) and against their own
# echo servers, in one run: 64 MiB echo MB/s and setup times, medians of N runs (docs/interop-echo.md).
#   bench/interop-echo.sh [runs=3] [stacks=pion,aiortc] [bytes=67108864]
# Needs root and Debian's golang-go, golang-github-pion-webrtc.v3-dev and python3-aiortc.
set -euo pipefail
exec "$(dirname "$0")/gateway.sh" InteropEchoBenchmark "$@"
