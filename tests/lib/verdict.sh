# Sourced by the shell test suites: PASS/FAIL lines and the closing "N passed, M failed" line that CI reads.
#   ok NAME / ko WHY   count and print one check
#   tap_checks LOG [STRIP]
#                      one check per TAP result line in LOG (a GLib test binary run with --tap): "ok" passes,
#                      "not ok" and skips fail; STRIP is removed from each line (a qgraph path prefix)
#   finish             print the verdict line and exit 0 only if nothing failed (a suite may redefine it to
#                      clean up first, and call verdict_line itself)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
tap_checks() {
  local line strip=${2:-}
  while read -r line; do
    [ -n "$strip" ] && line=${line/"$strip"/}
    case "$line" in
      "not ok "*) ko "qtest ${line#not ok }" ;;
      "ok "*"# SKIP"*) ko "qtest skipped: ${line#ok }" ;;
      "ok "*) ok "qtest ${line#ok }" ;;
    esac
  done < <(grep -E '^(not )?ok ' "$1")
}
verdict_line() { echo "$pass passed, $fail failed"; }
finish() {
  verdict_line
  [ "$fail" -eq 0 ]
  exit $?
}
