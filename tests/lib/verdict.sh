# Sourced by the shell test suites: PASS/FAIL lines and the closing "N passed, M failed" line that CI reads.
#   ok NAME / ko WHY   count and print one check
#   finish             print the verdict line and exit 0 only if nothing failed (a suite may redefine it to
#                      clean up first, and call verdict_line itself)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
verdict_line() { echo "$pass passed, $fail failed"; }
finish() {
  verdict_line
  [ "$fail" -eq 0 ]
  exit $?
}
