#!/usr/bin/env bash
# The host program itself with every fixture plugin in its plugin directory:
# each bad plugin is refused with its reason, the good ones run, the node's
# address, subnet and key are printed, and SIGTERM / SIGINT stop everything
# in reverse order with exit status 0.
#   HostPluginsTest.sh <ratatoskr binary> <fixture dir> <work dir>
set -u
host=$1 fixtures=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect <log> <fixed string> <what>
  grep -qF -- "$2" "$1" || fail "$3: no line with: $2"
}
before() {  # before <log> <first> <second>: both present, first earlier
  local a b
  a=$(grep -nF -- "$2" "$1" | head -1 | cut -d: -f1)
  b=$(grep -nF -- "$3" "$1" | head -1 | cut -d: -f1)
  if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then fail "expected \"$2\" before \"$3\""; fi
}

cat >"$work/host.conf" <<CONF
// every fixture is in the directory; these are enabled
{
  "Plugins": {
    "Directories": ["$fixtures"],
    "Enabled": ["fixture-good", "fixture-dependent", "fixture-sigil", "fixture-failload", "fixture-failstart",
                "fixture-cycle-a", "fixture-cycle-b", "fixture-lonely"]
  },
  "Modules": {"fixture-sigil": {"Answer": 7}},
  "Log": {"Level": "info"}
}
CONF

for sig in TERM INT; do
  log="$work/host-$sig.log"
  sh "$here/run-until-ready.sh" "$sig" "$log" "$host" --config "$work/host.conf"
  rc=$?
  echo "--- host log (SIG$sig, exit $rc)"; cat "$log"; echo "---"
  [ "$rc" -eq 0 ] || fail "SIG$sig: exit status $rc, expected 0"
  expect "$log" "info node: address 2" "address printed"
  expect "$log" "info node: subnet 3" "subnet printed"
  expect "$log" "info node: public key " "public key printed"
  expect "$log" "wrong-major.so: \"fixture-major\" needs ABI 3.0, host is 2.0 (major differs)" "wrong ABI major"
  expect "$log" "no-entry.so: no rtk_plugin_entry symbol" "no entry point"
  expect "$log" "x-duplicate.so:" "duplicate name"
  expect "$log" "fixture-failload" "failing load"
  expect "$log" "cannot open /dev/fixture: Permission denied" "failing start"
  expect "$log" "garbage.so: cannot be loaded" "not an ELF file"
  expect "$log" "dependency cycle" "cycle"
  expect "$log" "which no enabled plugin provides" "missing dependency"
  expect "$log" "started fixture-good" "good plugin runs"
  expect "$log" "started fixture-dependent" "dependent plugin runs"
  expect "$log" "started fixture-sigil" "sigil runs"
  before "$log" "started fixture-good" "started fixture-dependent"
  before "$log" "stopping fixture-dependent" "stopping fixture-good"
  before "$log" "stopping fixture-good" "info node: stopping"
  before "$log" "info node: stopped" "stopping fixture-sigil"
done

# A conf enabling a plugin nobody provides: exit 78, listing what there is.
cat >"$work/missing.conf" <<CONF
{"Plugins": {"Directories": ["$fixtures"], "Enabled": ["fixture-nope"]}}
CONF
"$host" --config "$work/missing.conf" >"$work/missing.log" 2>&1
rc=$?
cat "$work/missing.log"
[ "$rc" -eq 78 ] || fail "enabled plugin without a file: exit status $rc, expected 78 (bad conf)"
expect "$work/missing.log" "fixture-nope" "missing plugin named"
expect "$work/missing.log" "fixture-good" "available plugins listed"

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all host checks passed"
