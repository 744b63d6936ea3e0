#!/usr/bin/env bash
# Lints every synthesized template with cfn-lint (AWS's CloudFormation linter).
# Usage: scripts/cfn-lint.sh [cdk.out]   — fails on any error or unignored warning.
set -euo pipefail
out="${1:-cdk.out}"
command -v cfn-lint >/dev/null || { echo "cfn-lint is not on PATH: install it with 'pip install cfn-lint' (Python 3)" >&2; exit 2; }
shopt -s nullglob
templates=("$out"/*.template.json)
[ ${#templates[@]} -gt 0 ] || { echo "no templates in $out: run 'npx cdk synth' first" >&2; exit 2; }
cfn-lint --version
cfn-lint "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no findings"
