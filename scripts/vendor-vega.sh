#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Vendor Vega, Vega-Lite and vega-embed (the charts of the what-if report and the beleid pages)
# from the npm registry into src/llo/schemes/static/schemes/vendor/. Nothing is downloaded at
# run time (DESIGN.md section 1: "no node at run time"): run this by hand when a version below
# changes, check the diff, and commit the result. Every copied file is listed with its sha256 in
# VENDORED.md beside it.
#
# The versions follow altair (altair.VEGALITE_VERSION, VEGA_VERSION, VEGAEMBED_VERSION), so the
# specs altair writes on the server are the ones these files draw. vega-embed 7 bundles Vega's
# CSP-safe expression interpreter: the pages call it with {ast: true}, so no 'unsafe-eval'.
#
# Usage: scripts/vendor-vega.sh        (needs node's npm; writes into the work tree)
set -euo pipefail

VEGA="vega@6.2.0"
VEGA_LITE="vega-lite@6.4.1"
VEGA_EMBED="vega-embed@7.1.0"

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/src/llo/schemes/static/schemes/vendor"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: run 'apt-get install npm' (only needed to update vendored files)." >&2
  exit 1
fi

work=$(mktemp -d /tmp/llo-vendor-vega.XXXXXX)
trap 'rm -rf "$work"' EXIT

# fetch SPEC: download the package tarball (no install scripts run) and unpack it into
# $work/<name>/package; prints that directory.
fetch() {
  local spec=$1 name tgz
  name=$(printf '%s' "$spec" | sed -e 's/@[^@]*$//')
  mkdir -p "$work/$name"
  tgz=$(cd "$work/$name" && npm pack --silent --ignore-scripts "$spec" 2>/dev/null | tail -n 1)
  tar -xzf "$work/$name/$tgz" -C "$work/$name"
  printf '%s\n' "$work/$name/package"
}

field() {
  node -e 'const p=require(process.argv[1]+"/package.json");process.stdout.write(String(p[process.argv[2]]??""))' "$1" "$2"
}

declare -a packages_rows=()
declare -a files_rows=()

# put PKG_DIR SRC NAME: copy one file of a package to $dest/NAME and record it.
put() {
  local pkg=$1 src=$2 name=$3 row
  cp "$pkg/$src" "$dest/$name"
  # The source maps are not vendored: drop the comment that points at them, or Django's
  # manifest storage (collectstatic in `make demo`) fails looking for the .map file.
  if [[ "$name" == *.js ]]; then
    sed -i -e '/^\/\/# sourceMappingURL=/d' "$dest/$name"
  fi
  chmod 644 "$dest/$name"
  row="| \`$(field "$pkg" name)\` | $(field "$pkg" version) | $(field "$pkg" license) |"
  if [[ " ${packages_rows[*]-} " != *" $row "* ]]; then
    packages_rows+=("$row")
  fi
  files_rows+=("| \`$name\` | \`$(field "$pkg" name)\` | \`$(sha256sum "$dest/$name" | cut -d' ' -f1)\` |")
}

echo "Fetching packages from the npm registry into $work"
vega=$(fetch "$VEGA")
vega_lite=$(fetch "$VEGA_LITE")
vega_embed=$(fetch "$VEGA_EMBED")

rm -rf "$dest"
mkdir -p "$dest"
put "$vega" build/vega.min.js vega.min.js
put "$vega" LICENSE LICENSE-vega.txt
put "$vega_lite" build/vega-lite.min.js vega-lite.min.js
put "$vega_lite" LICENSE LICENSE-vega-lite.txt
put "$vega_embed" build/vega-embed.min.js vega-embed.min.js
put "$vega_embed" LICENSE LICENSE-vega-embed.txt

{
  echo "# Vendored chart libraries"
  echo
  echo "Written by \`scripts/vendor-vega.sh\`; do not edit by hand. Run the script again to"
  echo "update, then check the diff. Each package's licence file is copied beside its files."
  echo
  echo "| package | version | licence |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${packages_rows[@]}"
  echo
  echo "| file | from | sha256 |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${files_rows[@]}"
} >"$dest/VENDORED.md"

echo "Done: $dest (see VENDORED.md); commit the result."
