#!/usr/bin/env bash
# Issue 14: the forwarder's systemd unit (data/systemd/central/): supervised
# for ever (Restart=always, no start limit), as the kiosk user, its
# ExecStart= a `kioskctl forward --follow` whose options the real kioskctl
# takes, and `systemd-analyze verify` accepts it with no warning (77 when
# systemd-analyze is missing). Usage: forward_unit_test.sh UNIT KIOSKCTL WORK
set -u
unit=$1
ctl=$(realpath "$2") || exit 2
work=$3
rm -rf "$work"
mkdir -p "$work" || exit 2
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
installed=/opt/aftercare-kiosk/bin/kioskctl
for want in '^Restart=always$' '^StartLimitIntervalSec=0$' '^User=kiosk$' \
    '^StateDirectory=aftercare-kiosk$' '^StandardError=journal$' '^NoNewPrivileges=yes$' \
    "^ExecStart=$installed --config "; do
    grep -Eq "$want" "$unit" || fail "no line matching $want"
done
args=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ' |
    sed "s|^ExecStart=$installed||")
echo "$args" | grep -q "forward --follow" || fail "ExecStart is not forward --follow: $args"
# shellcheck disable=SC2086 # systemd splits the line the same way
"$ctl" $args --help >"$work/help" 2>&1 || fail "kioskctl refuses the unit's options: $(cat "$work/help")"
grep -q "usage: kioskctl .*forward" "$work/help" || fail "no forward usage: $(cat "$work/help")"
echo "ok: the unit supervises kioskctl forward --follow with options kioskctl takes"
command -v systemd-analyze >/dev/null || {
    echo "systemd-analyze not installed: verify skipped"
    exit 77
}
sed "s|$installed|$ctl|g" "$unit" >"$work/aftercare-forward.service"
systemd-analyze verify "$work/aftercare-forward.service" >"$work/verify.out" 2>&1
status=$?
if [ "$status" -ne 0 ] || [ -s "$work/verify.out" ]; then
    cat "$work/verify.out" >&2
    fail "systemd-analyze verify: status $status, or warnings above"
fi
echo "ok: systemd-analyze verify accepts it"
