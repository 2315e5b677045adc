#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# packaging-install: `meson install --destdir` of this build into a temporary directory, then check
#   - every expected file is installed, with its mode, and nothing else is (no test or benchmark
#     program, no stray file);
#   - the unit's ExecStart= is the installed binary and the installed config path, and the unit's
#     User= is the user that sysusers.d creates;
#   - `systemd-analyze verify` accepts the unit with no warning at all, and its offline
#     `systemd-analyze security` exposure stays at or below MAX_EXPOSURE;
#   - (as root) systemd-sysusers and systemd-tmpfiles, run against a scratch root, create the user
#     with no login shell and the state directory 0750 owned by it.
#
# Run by `meson test --suite packaging` (tests/packaging/meson.build passes the environment below);
# by hand:
#   SOURCE_ROOT=. BUILD_ROOT=build PREFIX=/usr/local BINDIR=bin SYSCONFDIR=etc DATADIR=share \
#     UNITDIR=/lib/systemd/system tests/packaging/install_test.sh
set -euo pipefail

: "${SOURCE_ROOT:?SOURCE_ROOT (the source tree) is not set}"
: "${BUILD_ROOT:?BUILD_ROOT (the meson build directory) is not set}"
: "${PREFIX:?PREFIX (meson option prefix) is not set}"
: "${BINDIR:?BINDIR (meson option bindir) is not set}"
: "${SYSCONFDIR:?SYSCONFDIR (meson option sysconfdir) is not set}"
: "${DATADIR:?DATADIR (meson option datadir) is not set}"
: "${UNITDIR:?UNITDIR (where packaging/meson.build installs the unit) is not set}"
MESON=${MESON:-meson}
# Overall exposure of `systemd-analyze security` (0 = locked down, 10 = unprotected). The unit
# scores 1.1 with systemd 252; the margin tolerates a newer systemd weighing a check differently.
MAX_EXPOSURE=${MAX_EXPOSURE:-1.5}

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# A meson directory option is relative to the prefix unless it is absolute.
abs_dir() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PREFIX" "$1" ;;
  esac
}
bindir=$(abs_dir "$BINDIR")
sysconfdir=$(abs_dir "$SYSCONFDIR")
datadir=$(abs_dir "$DATADIR")
docdir=$datadir/doc/flinkscaler
schemadir=$datadir/flinkscaler/schema

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flinkscaler-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/destdir

# meson test runs inside the build directory and has already built everything: --no-rebuild,
# so this does not start a second ninja on the same build directory.
echo "meson install -C $BUILD_ROOT --destdir $root"
if ! "$MESON" install -C "$BUILD_ROOT" --no-rebuild --quiet --destdir "$root"; then
  echo "FAIL: meson install failed" >&2
  exit 1
fi

# --- the expected files: "MODE PATH" ---------------------------------------------------------
expected=(
  "755 $bindir/flinkscaler"
  "644 $UNITDIR/flinkscaler.service"
  "644 $PREFIX/lib/sysusers.d/flinkscaler.conf"
  "644 $PREFIX/lib/tmpfiles.d/flinkscaler.conf"
  "644 $sysconfdir/flinkscaler/flinkscaler.yaml"
  "644 $docdir/examples/flinkscaler.yaml"
)
# Every migration, JSON Schema and doc of the source tree is installed.
shopt -s nullglob
for f in "$SOURCE_ROOT"/schema/*/*.sql; do
  expected+=("644 $schemadir/${f#"$SOURCE_ROOT"/schema/}")
done
for f in "$SOURCE_ROOT"/schema/config/*.schema.json; do
  expected+=("644 $schemadir/${f##*/}")
done
for f in "$SOURCE_ROOT"/README.md "$SOURCE_ROOT"/docs/*.md; do
  expected+=("644 $docdir/${f##*/}")
done
shopt -u nullglob

for entry in "${expected[@]}"; do
  mode=${entry%% *}
  path=${entry#* }
  if [[ ! -f $root$path ]]; then
    fail "$path is not installed (packaging/meson.build installs it)"
    continue
  fi
  actual=$(stat -c %a "$root$path")
  [[ $actual == "$mode" ]] || fail "$path has mode $actual, expected $mode"
done

# Anything else installed is a mistake: a test or benchmark program with install: true, or a file
# nobody listed above.
printf '%s\n' "${expected[@]#* }" | sort > "$tmp/expected.txt"
(cd "$root" && find . \( -type f -o -type l \) -printf '/%P\n') | sort > "$tmp/installed.txt"
while IFS= read -r extra; do
  fail "$extra is installed but not expected (test/bench programs need install: false; a new file belongs in this list)"
done < <(comm -13 "$tmp/expected.txt" "$tmp/installed.txt")

echo "installed files:"
sed 's/^/  /' "$tmp/installed.txt"

# The installed binary runs on its own (meson drops the build tree's rpath on install: a shared
# library of ours left uninstalled would show here).
if [[ -x $root$bindir/flinkscaler ]] && ! out=$("$root$bindir/flinkscaler" --help 2>&1); then
  fail "the installed $bindir/flinkscaler --help failed: $out"
fi

# --- the unit --------------------------------------------------------------------------------
unit=$root$UNITDIR/flinkscaler.service
sysusers=$root$PREFIX/lib/sysusers.d/flinkscaler.conf
tmpfiles=$root$PREFIX/lib/tmpfiles.d/flinkscaler.conf
if [[ -f $unit ]]; then
  want_exec="ExecStart=$bindir/flinkscaler run --config $sysconfdir/flinkscaler/flinkscaler.yaml"
  got_exec=$(grep '^ExecStart=' "$unit" || true)
  [[ $got_exec == "$want_exec" ]] || fail "unit has '$got_exec', expected '$want_exec'"
  if grep -n '@[A-Za-z_]*@' "$unit" >&2; then
    fail "unit has unsubstituted @...@ variables (above)"
  fi
  for directive in Type=notify NotifyAccess=main WatchdogSec=60 User=flinkscaler Group=flinkscaler \
    StateDirectory=flinkscaler ConfigurationDirectory=flinkscaler; do
    grep -qx "$directive" "$unit" || fail "unit lacks $directive"
  done
  user=$(sed -n 's/^User=//p' "$unit")
  if [[ -f $sysusers ]] && ! grep -Eq "^u[[:space:]]+$user[[:space:]]" "$sysusers"; then
    fail "unit runs as User=$user but sysusers.d/flinkscaler.conf does not create it"
  fi

  if command -v systemd-analyze > /dev/null; then
    # `systemd-analyze verify` checks that every Exec*= binary exists. `--root=DESTDIR` (systemd
    # 252 has it for verify) resolves *everything* under that root: the binary is found, but
    # /bin/kill of ExecReload= and the units of the default dependencies (sysinit.target, ...)
    # are not, so it fails on any DESTDIR that is not a whole OS. Instead verify a copy of the
    # unit, under the same name, whose ExecStart=/ExecReload= name the binary inside DESTDIR; everything
    # else resolves on this host. verify exits 0 on unknown or misspelt keys and only prints
    # them, so any output at all is a failure.
    mkdir -p "$tmp/verify"
    sed -e "s|^ExecStart=$bindir/flinkscaler |ExecStart=$root$bindir/flinkscaler |" \
      -e "s|^ExecReload=$bindir/flinkscaler |ExecReload=$root$bindir/flinkscaler |" "$unit" \
      > "$tmp/verify/flinkscaler.service"
    echo "systemd-analyze verify (ExecStart= rewritten to the DESTDIR binary)"
    if ! out=$(systemd-analyze verify --man=no "$tmp/verify/flinkscaler.service" 2>&1); then
      fail "systemd-analyze verify failed: $out"
    elif [[ -n $out ]]; then
      fail "systemd-analyze verify warned: $out"
    fi

    # --threshold= takes tenths of the printed exposure (12 is "1.2").
    threshold=$(awk -v e="$MAX_EXPOSURE" 'BEGIN { printf "%d", e * 10 + 0.5 }')
    echo "systemd-analyze security --offline=yes --threshold=$threshold"
    if out=$(systemd-analyze security --offline=yes --threshold="$threshold" --no-pager \
      "$tmp/verify/flinkscaler.service" 2>&1); then
      grep 'Overall exposure level' <<< "$out" | sed 's/^/  /'
    else
      printf '%s\n' "$out" | grep -E '✗|Overall|Failed' >&2 || printf '%s\n' "$out" >&2
      fail "systemd-analyze security: exposure above $MAX_EXPOSURE or the check failed (above)"
    fi
  else
    echo "SKIP: systemd-analyze not found: the unit was not verified"
  fi
fi

# --- sysusers.d and tmpfiles.d, applied to a scratch root --------------------------------------
if [[ -f $sysusers && -f $tmpfiles ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: not root: sysusers.d/tmpfiles.d not applied (systemd-tmpfiles must chown)"
  elif ! command -v systemd-sysusers > /dev/null || ! command -v systemd-tmpfiles > /dev/null; then
    echo "SKIP: systemd-sysusers/systemd-tmpfiles not found: sysusers.d/tmpfiles.d not applied"
  else
    sysroot=$tmp/sysroot
    mkdir -p "$sysroot/etc"
    if ! out=$(systemd-sysusers --root="$sysroot" "$sysusers" 2>&1); then
      fail "systemd-sysusers failed: $out"
    elif ! entry=$(grep '^flinkscaler:' "$sysroot/etc/passwd"); then
      fail "systemd-sysusers did not create the user flinkscaler"
    else
      shell=${entry##*:}
      [[ $shell == */nologin ]] || fail "user flinkscaler has login shell $shell"
      grep -q '^flinkscaler:' "$sysroot/etc/group" || fail "systemd-sysusers did not create the group flinkscaler"
      if ! out=$(systemd-tmpfiles --root="$sysroot" --create "$tmpfiles" 2>&1); then
        fail "systemd-tmpfiles --create failed: $out"
      else
        uid=$(cut -d: -f3 <<< "$entry")
        state=$(stat -c '%a %u' "$sysroot/var/lib/flinkscaler" 2>/dev/null || echo missing)
        [[ $state == "750 $uid" ]] || fail "/var/lib/flinkscaler is '$state', expected mode 750 owned by uid $uid"
        echo "sysusers.d + tmpfiles.d: user flinkscaler (shell $shell), /var/lib/flinkscaler 0750"
      fi
    fi
  fi
fi

if ((failures > 0)); then
  echo "packaging-install: $failures failure(s)" >&2
  exit 1
fi
echo "packaging-install: ok (${#expected[@]} files)"
