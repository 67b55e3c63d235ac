#!/usr/bin/env bash
# The `test` task: jest, with the type-check of tests, examples and scripts
# (tsc) and eslint beside it. Each of those uses one core; run before or after
# jest they left the second core of a 2-core runner idle for their whole run.
# eslint checks without fixing beside jest (a fix rewriting a file jest is
# reading could race); when it finds a problem (a warning too), the `eslint` task (--fix)
# runs after jest, fixes what it can and reports the rest. Their output is
# printed after jest's; any of them failing fails the task. Arguments go to jest.
set -uo pipefail
tsclog=$(mktemp)
eslintlog=$(mktemp)
trap 'rm -f "$tsclog" "$eslintlog"' EXIT
npx tsc --noEmit -p test/tsconfig.json >"$tsclog" 2>&1 &
tsc=$!
# shellcheck disable=SC2086 # LINT_DIRS is a list of paths (set by .projenrc.ts)
ESLINT_USE_FLAT_CONFIG=false NODE_NO_WARNINGS=1 npx eslint --ext .ts,.tsx --max-warnings 0 --no-error-on-unmatched-pattern ${LINT_DIRS:-src test} >"$eslintlog" 2>&1 &
eslint=$!
npx jest --ci --passWithNoTests --json --outputFile=test-reports/jest-results.json "$@"
jest=$?
wait "$tsc"
typecheck=$?
echo "type-check of tests, examples and scripts (tsc --noEmit -p test/tsconfig.json): exit $typecheck"
cat "$tsclog"
wait "$eslint"
lint=$?
cat "$eslintlog"
if [ "$lint" -ne 0 ]; then
  echo "eslint found problems: running the eslint task (--fix)"
  npx projen eslint
  lint=$?
fi
echo "eslint: exit $lint"
[ "$jest" -eq 0 ] && [ "$typecheck" -eq 0 ] && [ "$lint" -eq 0 ]
