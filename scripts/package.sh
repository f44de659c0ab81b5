#!/usr/bin/env bash
# `make package`: the release .deb for a guard post, built offline.
#
#   target/release/bundle/deb/gatehouse_<version>_<arch>.deb
#
# 1. One release build of both programs, the desktop app in production mode (custom-protocol):
#    one cargo call, so the crates both use are compiled once (`make bench` reuses it).
# 2. The CLI's man page (help2man, from its --help), the Debian changelog and the package's
#    runtime dependencies (dpkg-shlibdeps on both binaries: the libraries they really link,
#    with the versions this build needs; never a -dev package).
# 3. Tauri's bundler (the pinned @tauri-apps/cli in ui/) makes the .deb: both binaries, the
#    desktop entry (assets/deb/), the icons made from assets/icon.svg, the man pages,
#    copyright and changelog. No AppImage: its tools are downloaded at
#    build time, which a post's build machine cannot do.
#
# GATEHOUSE_PACKAGE_PROFILE=debug (what `make test` uses) makes the same package from the
# test build instead (target/debug/bundle/deb/): the release profile's cold build of the
# whole Tauri stack would take CI past its time limit, and what the install test checks
# (files, dependencies, start-up in production mode, removal) does not depend on it. Only
# `make package` (release, the default) makes a package to ship.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO="${CARGO:-cargo}"
profile="${GATEHOUSE_PACKAGE_PROFILE:-release}"
started=$SECONDS

case "$profile" in
  # The build the bench reuses: keep these arguments in step with the Makefile's RELEASE_BUILD.
  release) "$CARGO" build --release --locked -p gatehouse-desktop -p gatehouse --bins --features gatehouse-desktop/custom-protocol
    bundle_flags=() ;;
  # The tests' own build: the same targets and features as `make cargo-build-tests` (which
  # builds the app in production mode too), so nothing is compiled again.
  debug) "$CARGO" build --locked --workspace --bins --tests --features gatehouse-desktop/custom-protocol
    bundle_flags=(--debug) ;;
  *) echo "package: GATEHOUSE_PACKAGE_PROFILE is release or debug, not $profile" >&2; exit 1 ;;
esac
built=$SECONDS
bin="target/$profile"

# Debian policy: installed programs carry no symbols (a panic's log line names its source
# location, which needs none). Stripped in place, as Tauri's bundler patches them in place.
strip --strip-unneeded "$bin/gatehouse-desktop" "$bin/gatehouse"

version=$("$bin/gatehouse" --version | awk '{print $2}')
# Who answers for this package: the Maintainer field and the changelog's signature.
maintainer="${GATEHOUSE_MAINTAINER:-Gatehouse maintainers <gatehouse@example.org>}"
out="$bin/man"
rm -rf "$out" && mkdir -p "$out"

help2man --no-info --no-discard-stderr --section 1 \
  --name "admin command line of Gatehouse, the guard post's record" \
  --version-string "$version" "$bin/gatehouse" >"$out/gatehouse.1"
gzip -9n "$out/gatehouse.1"
gzip -9nc assets/deb/gatehouse-desktop.1 >"$out/gatehouse-desktop.1.gz"

# A native package's changelog, dated by the commit (reproducible), else now.
when=$(git log -1 --format=%aD 2>/dev/null || date -R)
printf 'gatehouse (%s) stable; urgency=medium\n\n  * Gatehouse %s.\n\n -- %s  %s\n' \
  "$version" "$version" "$maintainer" "$when" | gzip -9n >"$out/changelog.gz"

# dpkg-shlibdeps wants a debian/control beside it; a throw-away one in a temp dir.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/debian"
printf 'Source: gatehouse\n\nPackage: gatehouse\nArchitecture: any\n' >"$scratch/debian/control"
bins=("$PWD/$bin/gatehouse-desktop" "$PWD/$bin/gatehouse")
shlibs=$(cd "$scratch" && dpkg-shlibdeps -O "${bins[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# CJK glyphs for every screen (WebKit falls back to them by itself).
depends=$(printf '%s, fonts-noto-cjk' "$shlibs" | python3 -c 'import json,sys; print(json.dumps([d.strip() for d in sys.stdin.read().split(",")]))')
echo "package: depends on $(python3 -c 'import json,sys; print(", ".join(json.loads(sys.argv[1])))' "$depends")"

# From the repository root: the CLI finds src-tauri/tauri.conf.json below the current folder.
# The files tauri.conf.json names under target/release/ come from this profile's folder.
config=$(python3 - "$profile" "$maintainer" "$depends" <<'PY'
import json, sys
profile, maintainer, depends = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
files = json.load(open("src-tauri/tauri.conf.json"))["bundle"]["linux"]["deb"]["files"]
files = {k: v.replace("target/release/", f"target/{profile}/") for k, v in files.items()}
print(json.dumps({"bundle": {"publisher": maintainer, "linux": {"deb": {"depends": depends, "files": files}}}}))
PY
)
ui/node_modules/.bin/tauri bundle --ci --bundles deb "${bundle_flags[@]}" --config "$config"

deb="$bin/bundle/deb/gatehouse_${version}_$(dpkg --print-architecture).deb"
[[ -f "$deb" ]] || { echo "package: $deb was not made" >&2; exit 1; }
echo "package: $deb ($(du -h "$deb" | cut -f1)); $profile build $((built - started)) s, packaging $((SECONDS - built)) s"
