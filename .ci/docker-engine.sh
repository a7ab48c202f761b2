#!/usr/bin/env bash
# Make a Docker engine reachable and make sure the base image of the bundled
# tasks (debian:bookworm-slim) is present in it.
#
#   export "$(bash .ci/docker-engine.sh | tail -n 1)"
#
# - If `docker info` already answers (an existing DOCKER_HOST is honoured), that
#   engine is used as it is.
# - Else, as root on Debian, docker.io (and debootstrap) are installed when
#   missing and a private dockerd is started on unix:///var/run/kilobench/docker.sock
#   (no bridge, no iptables: task containers run with --network none, image
#   builds with --network host). A dockerd already running with our pidfile is reused.
# - When debian:bookworm-slim is absent it is built with debootstrap from the
#   machine's Debian mirror and imported; the root filesystem tarball is cached
#   under /var/cache/kilobench so a second run does not debootstrap again.
#   Nothing is pulled from a registry unless KILOBENCH_PULL_BASE=1.
#
# Progress goes to stderr. The LAST line on stdout is DOCKER_HOST=... .
# The script is idempotent: running it again changes nothing that works.
set -euo pipefail

readonly KB_RUN_DIR=/var/run/kilobench
readonly KB_SOCK_PATH="$KB_RUN_DIR/docker.sock"
readonly KB_HOST="unix://$KB_SOCK_PATH"
readonly KB_PIDFILE="$KB_RUN_DIR/docker.pid"
readonly KB_EXEC_ROOT="$KB_RUN_DIR/exec"
readonly KB_DATA_ROOT=/var/lib/kilobench/docker
readonly KB_LOG=/var/log/kilobench-dockerd.log
readonly KB_CACHE_DIR=/var/cache/kilobench
readonly BASE_IMAGE=debian:bookworm-slim
readonly BASE_SUITE=bookworm
readonly BASE_TARBALL="$KB_CACHE_DIR/debian-$BASE_SUITE-minbase-rootfs.tar.gz"
readonly WAIT_SECONDS="${KILOBENCH_DOCKERD_WAIT_SEC:-60}"
readonly IMAGE_PATH='/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

log() { printf '[docker-engine] %s\n' "$*" >&2; }
die() {
  printf '[docker-engine] ERROR: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
is_debian() { [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

need_root_debian() {
  # $1: what we were about to do
  if ! is_root || ! is_debian; then
    die "$1 needs root on a Debian-based machine (root: $(is_root && echo yes || echo no), Debian: $(is_debian && echo yes || echo no)).
  Either start a Docker engine yourself and export DOCKER_HOST so that 'docker info' answers,
  and load a '$BASE_IMAGE' image into it (e.g. 'docker pull $BASE_IMAGE' where a registry is reachable),
  or run this script as root on Debian (e.g. 'sudo bash .ci/docker-engine.sh')."
  fi
}

# ---------------------------------------------------------------- packages
APT_UPDATED=0
apt_install() {
  # apt_install PKG... : installs the packages (no recommends), quietly, output to stderr.
  need_root_debian "Installing $*"
  local policy_added=0
  # Never let a package's maintainer script start a system-wide dockerd/containerd.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 || rc=$?
  if [ "$policy_added" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (exit $rc)"
}

ensure_engine_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# ---------------------------------------------------------------- engine
docker_answers() { docker "$@" info >/dev/null 2>&1; }

current_endpoint() {
  # The endpoint `docker` uses right now without -H.
  if [ -n "${DOCKER_HOST:-}" ]; then
    printf '%s\n' "$DOCKER_HOST"
    return
  fi
  local ep
  ep="$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || true)"
  printf '%s\n' "${ep:-unix:///var/run/docker.sock}"
}

alive() {
  # alive PID: the process exists and is not a zombie (a killed daemon whose
  # parent has not reaped it yet must not count as running).
  local state
  state="$(sed -n 's/^.*) \([A-Za-z]\).*$/\1/p' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

pidfile_dockerd() {
  # Prints the pid of a live dockerd recorded in our pidfile, if any.
  [ -r "$KB_PIDFILE" ] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$KB_PIDFILE")"
  [ -n "$pid" ] && alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  printf '%s\n' "$pid"
}

wait_for_engine() {
  # wait_for_engine PID: 0 when the engine answers, 1 when PID died first, 2 on timeout.
  local pid="$1" waited=0
  until docker -H "$KB_HOST" info >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! alive "$pid"; then
      # $! may be a setsid that forked; the daemon's own pid is in the pidfile.
      pid="$(pidfile_dockerd)" || return 1
    fi
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then return 2; fi
    sleep 1
    waited=$((waited + 1))
  done
  log "engine answers on $KB_HOST (after ${waited}s)"
}

engine_failed() {
  tail -n 30 "$KB_LOG" >&2 || true
  die "$1; see $KB_LOG"
}

start_private_engine() {
  need_root_debian "Starting a private Docker engine"
  ensure_engine_packages
  local pid rc
  if pid="$(pidfile_dockerd)"; then
    log "reusing dockerd pid $pid (pidfile $KB_PIDFILE)"
    rc=0
    wait_for_engine "$pid" || rc=$?
    [ "$rc" -eq 0 ] && return
    [ "$rc" -eq 2 ] && engine_failed "dockerd (pid $pid) did not answer on $KB_HOST within ${WAIT_SECONDS}s"
    log "dockerd pid $pid went away; starting a new one"
  fi
  mkdir -p "$KB_RUN_DIR" "$KB_EXEC_ROOT" "$KB_DATA_ROOT" "$(dirname "$KB_LOG")"
  local flags=(
    --host "$KB_HOST"
    --data-root "$KB_DATA_ROOT"
    --exec-root "$KB_EXEC_ROOT"
    --pidfile "$KB_PIDFILE"
    --bridge=none
    --iptables=false
  )
  # --ip6tables exists from Docker 20.10 on; older daemons reject unknown flags.
  if dockerd --help 2>/dev/null | grep -q -- '--ip6tables'; then flags+=(--ip6tables=false); fi
  local attempt
  for attempt in 1 2 3; do
    rm -f "$KB_PIDFILE"
    if [ -S "$KB_SOCK_PATH" ]; then rm -f "$KB_SOCK_PATH"; fi # stale socket of a dead daemon
    log "starting dockerd on $KB_HOST (data $KB_DATA_ROOT, log $KB_LOG; attempt $attempt)"
    printf '\n==== %s dockerd %s\n' "$(date -u +%FT%TZ)" "${flags[*]}" >>"$KB_LOG"
    # setsid: the daemon outlives this script and the shell that ran it.
    setsid dockerd "${flags[@]}" </dev/null >>"$KB_LOG" 2>&1 &
    pid=$!
    rc=0
    wait_for_engine "$pid" || rc=$?
    [ "$rc" -eq 0 ] && return
    [ "$rc" -eq 2 ] && engine_failed "dockerd (pid $pid) did not answer on $KB_HOST within ${WAIT_SECONDS}s"
    # Typically the containerd of a daemon that was killed a moment ago is still
    # shutting down; give it a few seconds.
    log "dockerd exited during start-up (attempt $attempt)"
    sleep 5
  done
  engine_failed "dockerd kept exiting during start-up"
}

# ---------------------------------------------------------------- base image
mirror_from_host() {
  # $1: "debian" or "debian-security". Prints the mirror URI this machine's apt uses.
  local want="$1" uri
  uri="$(
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk -v want="$want" '
        /^[[:space:]]*#/ { next }
        /^URIs:/ { for (i = 2; i <= NF; i++) { u = $i; sub(/\/+$/, "", u); n = split(u, p, "/"); if (p[n] == want) { print u; exit } } }' || true
  )"
  if [ -z "$uri" ]; then
    uri="$(
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk -v want="$want" '
          $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { u = $i; sub(/\/+$/, "", u); n = split(u, p, "/"); if (p[n] == want) { print u; exit } ; break } }' || true
    )"
  fi
  if [ -z "$uri" ]; then uri="http://deb.debian.org/$want"; fi
  printf '%s\n' "$uri"
}

configure_rootfs() {
  # Makes the debootstrapped tree look like the official slim image: apt sources
  # for the suite, its updates and security; docker-style apt settings; no docs.
  local dir="$1" mirror="$2" security="$3"
  rm -f "$dir/etc/apt/sources.list"
  mkdir -p "$dir/etc/apt/sources.list.d" "$dir/etc/apt/apt.conf.d" "$dir/etc/dpkg/dpkg.cfg.d"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $BASE_SUITE $BASE_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $BASE_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
  # Keep the mirror's date handling of this machine (some mirrors serve snapshots).
  if apt-config dump 2>/dev/null | grep -qi '^Acquire::Check-Valid-Until "false"'; then
    printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' \
      >"$dir/etc/apt/apt.conf.d/99kilobench-mirror"
  fi
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
}

build_rootfs_tarball() {
  need_root_debian "Building $BASE_IMAGE with debootstrap"
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local mirror security dir
  mirror="$(mirror_from_host debian)"
  security="$(mirror_from_host debian-security)"
  mkdir -p "$KB_CACHE_DIR"
  dir="$(mktemp -d "$KB_CACHE_DIR/rootfs.XXXXXX")"
  chmod 755 "$dir" # becomes the image's /
  # shellcheck disable=SC2064
  trap "umount '$dir/dev/pts' 2>/dev/null || true; umount '$dir/proc' 2>/dev/null || true; rm -rf --one-file-system '$dir' '$BASE_TARBALL.tmp'" EXIT
  log "debootstrap --variant=minbase $BASE_SUITE from $mirror (takes a few minutes)"
  debootstrap --variant=minbase "$BASE_SUITE" "$dir" "$mirror" >&2 ||
    die "debootstrap failed (its messages are above)"
  configure_rootfs "$dir" "$mirror" "$security"
  log "applying $BASE_SUITE-updates and $BASE_SUITE-security"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  mount -t proc proc "$dir/proc"
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$dir/dev/pts" 2>/dev/null || true
  chroot "$dir" /usr/bin/env -i PATH="$IMAGE_PATH" DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q && apt-get -y -q upgrade && apt-get clean' >&2 ||
    die "updating the root filesystem failed"
  umount "$dir/dev/pts" 2>/dev/null || true
  umount "$dir/proc"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/var/log/apt/* "$dir"/var/log/dpkg.log "$dir"/var/log/bootstrap.log "$dir"/tmp/* "$dir"/debootstrap
  : >"$dir/etc/resolv.conf"
  echo localhost >"$dir/etc/hostname"
  log "packing root filesystem into $BASE_TARBALL"
  tar -C "$dir" --numeric-owner --xattrs -cpf - . | gzip -1 >"$BASE_TARBALL.tmp"
  mv "$BASE_TARBALL.tmp" "$BASE_TARBALL"
  rm -rf --one-file-system "$dir"
  trap - EXIT
}

ensure_base_image() {
  local host="$1"
  if docker -H "$host" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "$BASE_IMAGE is present"
    return
  fi
  if [ "${KILOBENCH_PULL_BASE:-0}" = 1 ]; then
    log "pulling $BASE_IMAGE (KILOBENCH_PULL_BASE=1)"
    docker -H "$host" pull "$BASE_IMAGE" >&2 && return
    log "pull failed; building it locally instead"
  fi
  if [ -s "$BASE_TARBALL" ]; then
    log "using cached root filesystem $BASE_TARBALL"
  else
    build_rootfs_tarball
  fi
  log "importing $BASE_IMAGE"
  docker -H "$host" import \
    --change "ENV PATH=$IMAGE_PATH" \
    --change 'CMD ["bash"]' \
    --change 'LABEL org.kilobench.base="debootstrap minbase"' \
    - "$BASE_IMAGE" <"$BASE_TARBALL" >&2
  docker -H "$host" run --rm --network none "$BASE_IMAGE" sh -c 'command -v apt-get >/dev/null && test -s /etc/apt/sources.list.d/debian.sources' ||
    die "the imported $BASE_IMAGE does not look sane"
}

# ---------------------------------------------------------------- main
main() {
  local host
  if docker_answers; then
    host="$(current_endpoint)"
    log "using the engine that already answers: $host"
  elif docker_answers -H "$KB_HOST"; then
    host="$KB_HOST"
    if [ -n "${DOCKER_HOST:-}" ]; then log "DOCKER_HOST=$DOCKER_HOST does not answer; using $KB_HOST"; fi
    log "private engine already running on $KB_HOST"
  else
    if [ -n "${DOCKER_HOST:-}" ]; then log "DOCKER_HOST=$DOCKER_HOST does not answer; starting a private engine"; fi
    start_private_engine
    host="$KB_HOST"
  fi
  ensure_base_image "$host"
  printf 'DOCKER_HOST=%s\n' "$host"
}

main "$@"
