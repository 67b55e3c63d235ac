#!/usr/bin/env bash
# API compatibility check (the `compat` task, run after every jsii compile):
# jsii-diff compares the freshly built .jsii with the latest npm release.
#
# - Before the first release the package is not on npm (E404): nothing to
#   compare, the check says so and passes. Any other npm failure fails, so a
#   network error cannot pass for "no release".
# - Every type is experimental until 1.0, and jsii-diff only warns about
#   experimental changes by default: `--error-on=all` makes them errors, so a
#   breaking change is deliberate: add the key jsii-diff prints to
#   .compatignore and release it with a `feat!:` commit.
set -uo pipefail
name=$(node -p 'require("./package.json").name')
if out=$(npm view "$name@latest" version 2>&1); then
  echo "compat: comparing with $name@$out"
  exec npx jsii-diff "npm:$name" --error-on=all -k --ignore-file .compatignore
elif grep -q E404 <<<"$out"; then
  echo "compat: $name has no npm release yet, nothing to compare"
else
  echo "compat: cannot ask npm for the latest $name:"; echo "$out"; exit 1
fi
