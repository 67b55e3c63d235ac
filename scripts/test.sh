#!/usr/bin/env bash
# The `test` task's first step: the type-check of tests, examples and scripts
# (tsc, one core) runs beside jest (every core) instead of before it, where it
# left the second core of a 2-core runner idle for its whole run. Its output
# is printed after jest's; either failing fails the step. Arguments go to jest.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
npx tsc --noEmit -p test/tsconfig.json >"$log" 2>&1 &
tsc=$!
npx jest --ci --passWithNoTests --json --outputFile=test-reports/jest-results.json "$@"
jest=$?
wait "$tsc"
typecheck=$?
echo "type-check tests, examples and scripts (tsc --noEmit -p test/tsconfig.json): exit $typecheck"
cat "$log"
[ "$jest" -eq 0 ] && [ "$typecheck" -eq 0 ]
