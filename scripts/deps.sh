#!/usr/bin/env bash
# Installs what Gatehouse needs on Debian 12 / Ubuntu 22.04+, and only what is missing, so a
# second run takes a second: Debian packages (apt-get as root, else through sudo), Node.js
# and npm when there is no `node` at all, and tauri-driver for the window tests.
#
#   scripts/deps.sh run      what building and running the app needs
#   scripts/deps.sh package  that plus what `make package` needs to make the .deb
#   scripts/deps.sh test     all of that plus what the tests need (the default)
#
# The UI's npm packages are not installed here: the Makefile runs `npm ci` when
# ui/node_modules is missing or older than ui/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-test}"
case "$mode" in run | package | test) ;; *) echo "usage: $0 [run|package|test]" >&2; exit 2 ;; esac

# Build the Tauri shell (WebKitGTK, its headers and the tools cargo's build scripts call).
packages=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # Chinese text in the window (and so in screenshots).
  fonts-noto-cjk)
if [[ "$mode" != run ]]; then
  # The .deb: the CLI's man page from its --help, and dpkg-shlibdeps (dpkg-dev) for the
  # package's runtime dependencies.
  packages+=(help2man dpkg-dev)
fi
if [[ "$mode" == test ]]; then
  # The package's check (lintian) and a private D-Bus session bus for the window tests
  # (the single-instance check finds the running app on it).
  packages+=(lintian)
  command -v dbus-daemon >/dev/null 2>&1 || packages+=(dbus)
  # Real-window tests: a private X server, the WebKit WebDriver, screenshots (imagemagick),
  # X tools, PDF and QR readers; sqlite3 for tests that read or tamper with the database.
  packages+=(xvfb xauth webkit2gtk-driver imagemagick x11-utils poppler-utils zbar-tools sqlite3)
fi
# No node at all: Debian's. (A node from elsewhere is left alone, and so is its npm.)
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing ${missing[*]}, and there is no apt-get: install them by hand." >&2
    exit 1
  fi
  if [[ $EUID -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "deps: missing ${missing[*]}; run as root or install sudo." >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
fi

# Rust comes from rustup, not from apt (Debian's cargo is too old for this workspace).
if ! command -v cargo >/dev/null 2>&1; then
  echo "deps: no cargo on PATH: install Rust with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi

# The UI's tools (Vite 8) want Node 20.19 or newer. Debian 12 ships 18 and Ubuntu 22.04 12:
# then a Node 22 binary comes from the npm registry's node-<os>-<arch> package into
# .tools/node, which the Makefile puts first on PATH (the system's npm runs under it).
node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null
}
if ! node_ok; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="" ;; esac
  if [[ -z "$arch" ]] || ! command -v npm >/dev/null 2>&1; then
    echo "deps: Node.js 20.19 or newer is needed to build the UI; found $(node --version 2>/dev/null || echo none)." >&2
    exit 1
  fi
  echo "deps: Node $(node --version) is too old for the UI's tools: installing Node 22 into .tools/node"
  npm install --prefix .tools/node --no-save --no-audit --no-fund "node-linux-$arch@22"
  export PATH="$PWD/.tools/node/node_modules/node-linux-$arch/bin:$PATH"
  if ! node_ok; then
    echo "deps: installing Node 22 into .tools/node did not work; install Node 20.19+ by hand." >&2
    exit 1
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "deps: node is here but npm is not: install npm for this node." >&2
  exit 1
fi

if [[ "$mode" == test ]] && ! command -v tauri-driver >/dev/null 2>&1; then
  # crates.io also lists 3.0 alphas; the app is Tauri 2.
  echo "deps: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi
