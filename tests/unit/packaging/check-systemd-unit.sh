#!/usr/bin/env bash
# usage: check-systemd-unit.sh UNIT_TEMPLATE HOST_BINARY
# Fails unless `systemd-analyze verify` accepts the unit silently; prints the
# offline security exposure score (measured, not asserted).
set -uo pipefail
template=$1 host=$2
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze not installed (Debian package systemd)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unit=$dir/ratatoskr.service
sed -e "s|@RTK_DOC_DIR@|/usr/share/doc/ratatoskr|" -e "s|@RTK_HOST_PATH@|$host|" "$template" >"$unit"
grep -q "@RTK_" "$unit" && { echo "FAIL: unsubstituted @VAR@ left in the unit"; exit 1; }
out=$(systemd-analyze verify "$unit" 2>&1)
rc=$?
echo "systemd-analyze verify: exit $rc${out:+; output:}"
[ -n "$out" ] && echo "$out"
[ "$rc" -eq 0 ] && [ -z "$out" ] || { echo "FAIL: the unit is not clean"; exit 1; }
# The hardening the issue asks for is really there.
for key in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes RuntimeDirectory=ratatoskr \
           StateDirectory=ratatoskr "CapabilityBoundingSet=$"; do
  grep -q "^$key" "$unit" || { echo "FAIL: $key missing"; exit 1; }
done
systemd-analyze security --offline=true "$unit" 2>&1 | grep "Overall exposure level" || true
echo "1 passed, 0 failed"
