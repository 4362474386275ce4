#!/usr/bin/env bash
# The CDK Terrain (cdktn) lane of CI: the repository's git-tracked files copied to a scratch directory,
# package.json rewritten for cdktn (below), a fresh install, then the whole suite
# (npm test and npm run test:slow with REQUIRE_TERRAFORM=1), exactly as the cdktf lane runs it.
#
#   tools/cdktn-lane.sh                 the whole lane (install, build, both layers)
#   tools/cdktn-lane.sh --setup DIR     only copy, rewrite and install into DIR (kept), for local work
#   CDKTN_LANE_KEEP=1                   keep the scratch directory after the lane
#
# No test needs a cdktf or cdktn CLI (none runs `cdktf`), so the lane removes cdktf-cli and installs no
# cdktn-cli (which would need Node >= 22.19): the lane itself shows the suite does not need the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)

setup_only=''
if [ "${1:-}" = '--setup' ]; then
  setup_only=1
  scratch=${2:?usage: tools/cdktn-lane.sh --setup DIR}
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/pls-cdktn-lane-XXXXXX")
  if [ -z "${CDKTN_LANE_KEEP:-}" ]; then trap 'rm -rf "$scratch"' EXIT; fi
fi
echo "cdktn lane: $scratch"

# The working tree's tracked files (what CI checked out), not node_modules, dist or outputs.
git ls-files -z --cached | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf - | tar -xf - -C "$scratch"
# cdktf becomes an npm alias of cdktn; the override makes every package asking for cdktf (the
# @cdktf/provider-aws bindings, whose peer range is ^0.21.0) get the same alias; the CLI goes.
CDKTN_VERSION=${CDKTN_VERSION:-0.24.0} node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.devDependencies.cdktf = `npm:cdktn@${process.env.CDKTN_VERSION}`;
  delete pkg.devDependencies["cdktf-cli"];
  pkg.overrides = { ...pkg.overrides, cdktf: "$cdktf" };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$scratch/package.json"

cd "$scratch"
git init -q . # a repository root, as in a checkout (nothing is committed)
# package-lock.json is the cdktf lane's; npm updates it to the rewritten package.json (only the cdktn
# side changes, every other package stays at its locked version).
npm install --no-audit --no-fund --prefer-offline
npm ls cdktf constructs @cdktf/provider-aws
node -e "const p = require('cdktf/package.json'); if (p.name !== 'cdktn') throw new Error('cdktf resolves to ' + p.name + '@' + p.version + ', expected cdktn'); console.log('cdktf resolves to', p.name + '@' + p.version)"
installed=$(date +%s)
echo "cdktn lane: install took $((installed - started)) s"
[ -n "$setup_only" ] && exit 0

REQUIRE_TERRAFORM=1 npm test
fast=$(date +%s)
REQUIRE_TERRAFORM=1 npm run test:slow
finished=$(date +%s)
echo "cdktn lane: install $((installed - started)) s, npm test $((fast - installed)) s, test:slow $((finished - fast)) s, total $((finished - started)) s"
