#!/usr/bin/env bash
# The TLS module where an install puts it: installs the host program and
# libratatoskr (components Unspecified and runtime) to a temporary prefix,
# checks that neither links OpenSSL, runs the installed host with a TLS
# listener (it loads libratatoskr-tls-<version>.so from the ratatoskr/
# folder beside the installed libratatoskr, the build tree being in no
# RUNPATH of installed files), then
# without the module: the listener fails with a reason that names it.
#   InstalledTlsModuleTest.sh <cmake> <build dir> <work dir>
set -u
cmake=$1 build=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

prefix="$work/prefix"
for component in Unspecified runtime; do
  "$cmake" --install "$build" --prefix "$prefix" --component "$component" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; echo "FAIL: installing $component"; exit 1; }
done
host="$prefix/bin/ratatoskr"
library=$(find "$prefix" -name 'libratatoskr.so.*.*.*' | head -1)
module=$(find "$prefix" -name 'libratatoskr-tls-*.so' | head -1)
[ -x "$host" ] || { echo "FAIL: no installed host in $prefix"; exit 1; }
[ -n "$library" ] || { echo "FAIL: no installed libratatoskr in $prefix"; exit 1; }
[ -n "$module" ] || { echo "FAIL: no installed TLS module in $prefix"; exit 1; }
[ "$(dirname "$module")" = "$(dirname "$library")/ratatoskr" ] || fail "the module $module is not in ratatoskr/ beside $library"
for file in "$host" "$library"; do
  if readelf -d "$file" | grep -E 'NEEDED.*lib(ssl|crypto)\.so'; then fail "$file links OpenSSL"; fi
  if readelf -d "$file" | grep -F "$build"; then fail "$file keeps the build tree in its RUNPATH"; fi
done

cat >"$work/tls.conf" <<CONF
{ "Listen": ["tls://127.0.0.1:0"], "AdminListen": "none", "Log": {"Level": "info"} }
CONF

log="$work/with-module.log"
sh "$here/run-until-ready.sh" INT "$log" "$host" --config "$work/tls.conf"
rc=$?
echo "--- installed host, module in place (exit $rc)"; cat "$log"; echo "---"
[ "$rc" -eq 0 ] || fail "the installed host with a TLS listener exited with $rc"
grep -qF "TLS listener started on 127.0.0.1:" "$log" || fail "no TLS listener started"

mv "$module" "$work/"
log="$work/without-module.log"
sh "$here/run-until-ready.sh" INT "$log" "$host" --config "$work/tls.conf"
rc=$?
echo "--- installed host, module removed (exit $rc)"; cat "$log"; echo "---"
[ "$rc" -ne 0 ] || fail "the host ran a TLS listener without the TLS module"
grep -qF "listen tls://127.0.0.1:0: tls: tls, wss and sockstls links need the TLS module $(basename "$module")" "$log" &&
  grep -qF "/ratatoskr/$(basename "$module"): cannot open shared object file" "$log" ||
  fail "the failure does not name the listener and the module"

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
rm -rf "$work"
echo "installed TLS module: all checks passed"
