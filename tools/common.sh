# shellcheck shell=bash
# tools/common.sh: sourced by the commands in tools/, never run directly.
#
# Holds the lists of Debian 12 packages that building, testing,
# documenting and measuring sockobj need, and the set-up steps the
# commands share: installing whatever of a list is missing, and
# configuring a meson build directory.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# The packages, in three lists: tools/demo installs the first, tools/check
# the first two, tools/bench all three. Add to these lists, not to the
# scripts that use them.
SOCKOBJ_DEMO_PACKAGES=(
  # Building the library.
  meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev
  # The GIR and typelib, and Python with PyGObject for the override.
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  python3 python3-gi
)
SOCKOBJ_CHECK_PACKAGES=(
  # The GJS binding tests, and the Vala example (sockobj-1.vapi).
  gjs valac
  # CPython's Lib/test/test_socket.py, run against the override.
  libpython3.11-testsuite
  # gi.overrides._sock, the override's calls per message in C (optional
  # for a build, which falls back to PyGObject's calls; tested both ways).
  python3-dev python-gi-dev
  # The API reference (-Ddocumentation=true).
  gi-docgen
  # TLS over makefile() streams, and a peer to test it against.
  glib-networking openssl socat
  # Memory checking and sanitizer builds; valgrind needs libc's symbols.
  valgrind libc6-dbg clang libclang-rt-14-dev
  # The ABI check against the last release (abidw, abidiff).
  abigail-tools
)
SOCKOBJ_BENCH_PACKAGES=(
  # Plots for the benchmarks.
  gnuplot-nox
)

SOCKOBJ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

sockobj_log () {
  printf '\n==> %s\n' "$*"
}

sockobj_warn () {
  printf '%s: warning: %s\n' "${0##*/}" "$*" >&2
}

sockobj_die () {
  printf '%s: error: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

# Runs "$@" as root: directly when we are root, through sudo otherwise.
sockobj_as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    sockobj_die "need root to run '$*', and sudo is not installed"
  fi
}

# sockobj_packages [demo|check|bench]: the packages one command needs.
sockobj_packages () {
  case "${1:-check}" in
    demo) printf '%s\n' "${SOCKOBJ_DEMO_PACKAGES[@]}" ;;
    check) printf '%s\n' "${SOCKOBJ_DEMO_PACKAGES[@]}" "${SOCKOBJ_CHECK_PACKAGES[@]}" ;;
    bench) printf '%s\n' "${SOCKOBJ_DEMO_PACKAGES[@]}" "${SOCKOBJ_CHECK_PACKAGES[@]}" \
                 "${SOCKOBJ_BENCH_PACKAGES[@]}" ;;
    *) sockobj_die "no package list '$1'" ;;
  esac
}

# sockobj_missing_packages [LIST]: the packages of LIST that dpkg does not
# report installed.
sockobj_missing_packages () {
  local pkg status

  while read -r pkg; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
      printf '%s\n' "$pkg"
    fi
  done < <(sockobj_packages "${1:-check}")
}

# sockobj_install_deps [demo|check|bench]: installs whatever of that list
# (default check) is missing. Refreshes the package index only when
# something has to be installed, so a machine that is already set up
# needs neither root nor the network.
sockobj_install_deps () {
  local list=${1:-check}
  local missing wanted

  mapfile -t wanted < <(sockobj_packages "$list")
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    sockobj_warn "not a Debian system; make sure these (or your system's equivalents) are installed:"
    printf '  %s\n' "${wanted[*]}" >&2
    return 0
  fi

  mapfile -t missing < <(sockobj_missing_packages "$list")
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "all ${#wanted[@]} packages are installed"
    return 0
  fi

  echo "installing: ${missing[*]}"
  sockobj_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o DPkg::Lock::Timeout=300 update
  sockobj_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends \
    install "${missing[@]}"

  mapfile -t missing < <(sockobj_missing_packages "$list")
  if [ "${#missing[@]}" -ne 0 ]; then
    sockobj_die "still missing after apt-get install: ${missing[*]}"
  fi
}

# sockobj_setup_builddir DIR [MESON-OPTION...]
#
# Makes DIR a meson build directory with the given options. A new one gets
# "meson setup"; an existing one gets "meson configure", after which the
# next build regenerates it once. A directory that meson cannot configure
# (made by an incompatible meson, say) is wiped and set up again.
sockobj_setup_builddir () {
  local dir=$1
  shift

  if [ ! -f "$dir/meson-private/coredata.dat" ]; then
    meson setup "$dir" "$@"
  elif [ $# -gt 0 ] && ! meson configure "$dir" "$@"; then
    sockobj_warn "could not configure $dir; wiping it and starting over"
    meson setup --wipe "$dir" "$@"
  fi
}

cd "$SOCKOBJ_ROOT" || sockobj_die "cannot enter $SOCKOBJ_ROOT"
