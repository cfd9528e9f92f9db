#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Vendor the front-end files llo serves (and the axe-core the browser tests inject) from the
# npm registry into the repository. Nothing is downloaded at run time: run this by hand when a
# version below changes, check the diff, and commit the result (DESIGN.md section 1: "no node at
# run time"). Every copied file is listed with its sha256 in a VENDORED.md beside it.
#
# Usage: scripts/vendor-static.sh        (needs node's npm; writes into the work tree)
set -euo pipefail

# Pinned versions. htmx stays on the 2.x line: 4.x changed attribute inheritance and error
# swapping, and the rest of the code base is written against the 2.x documentation.
UTRECHT_CSS="@utrecht/component-library-css@9.0.4"
VOORBEELD_TOKENS="@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1"
NOTO_SANS="@fontsource/noto-sans@5.3.0"
NOTO_SERIF="@fontsource/noto-serif@5.3.0"
HTMX="htmx.org@2.0.11"
AXE="axe-core@4.14.1"

root=$(cd "$(dirname "$0")/.." && pwd)
static="$root/src/llo/web/static/web/vendor"
e2e="$root/tests/e2e/vendor"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: run 'apt-get install npm' (only needed to update vendored files)." >&2
  exit 1
fi

work=$(mktemp -d /tmp/llo-vendor.XXXXXX)
trap 'rm -rf "$work"' EXIT

# fetch SPEC: download the package tarball (no install scripts run) and unpack it into
# $work/<name>/package; prints that directory.
fetch() {
  local spec=$1 name tgz
  name=$(printf '%s' "$spec" | sed -e 's/^@//' -e 's/@[^@]*$//' -e 's#/#-#g')
  mkdir -p "$work/$name"
  tgz=$(cd "$work/$name" && npm pack --silent --ignore-scripts "$spec" 2>/dev/null | tail -n 1)
  tar -xzf "$work/$name/$tgz" -C "$work/$name"
  printf '%s\n' "$work/$name/package"
}

# field DIR KEY: a field of package.json.
field() {
  node -e 'const p=require(process.argv[1]+"/package.json");process.stdout.write(String(p[process.argv[2]]??""))' "$1" "$2"
}

# Lines of the VENDORED.md tables, collected while copying.
declare -a packages_rows=()
declare -a files_rows=()

# record DEST_BASE DEST PKG_DIR: remember the package (once) and the copied file's sha256.
record() {
  local base=$1 dest=$2 pkg=$3 name version licence row
  name=$(field "$pkg" name)
  version=$(field "$pkg" version)
  licence=$(field "$pkg" license)
  row="| \`$name\` | $version | $licence |"
  if [[ " ${packages_rows[*]-} " != *" $row "* ]]; then
    packages_rows+=("$row")
  fi
  files_rows+=("| \`${dest#"$base"/}\` | \`$name\` | \`$(sha256sum "$dest" | cut -d' ' -f1)\` |")
}

# put BASE PKG_DIR SRC DEST: copy one file from a package and record it.
put() {
  local base=$1 pkg=$2 src=$3 dest=$4
  mkdir -p "$(dirname "$dest")"
  cp "$pkg/$src" "$dest"
  chmod 644 "$dest"
  record "$base" "$dest" "$pkg"
}

# write_vendored BASE TITLE: write BASE/VENDORED.md from the collected rows, then reset them.
write_vendored() {
  local base=$1 title=$2
  {
    echo "# $title"
    echo
    echo "Written by \`scripts/vendor-static.sh\`; do not edit by hand. Run the script again to"
    echo "update, then check the diff. Each package's licence file is copied beside its files."
    echo
    echo "| package | version | licence |"
    echo "| --- | --- | --- |"
    printf '%s\n' "${packages_rows[@]}"
    echo
    echo "| file | from | sha256 |"
    echo "| --- | --- | --- |"
    printf '%s\n' "${files_rows[@]}"
  } >"$base/VENDORED.md"
  packages_rows=()
  files_rows=()
}

echo "Fetching packages from the npm registry into $work"
utrecht=$(fetch "$UTRECHT_CSS")
tokens=$(fetch "$VOORBEELD_TOKENS")
sans=$(fetch "$NOTO_SANS")
serif=$(fetch "$NOTO_SERIF")
htmx=$(fetch "$HTMX")
axe=$(fetch "$AXE")

# --- static files the app serves ---------------------------------------------------------------
rm -rf "$static"
mkdir -p "$static"
put "$static" "$utrecht" dist/index.css "$static/nlds/component-library.css"
put "$static" "$utrecht" LICENSE.md "$static/nlds/LICENSE-utrecht-component-library-css.md"
# theme.css defines the tokens on the class .voorbeeld-theme (set on <html> in base.html).
put "$static" "$tokens" dist/theme.css "$static/nlds/design-tokens.css"
put "$static" "$tokens" LICENSE.md "$static/nlds/LICENSE-voorbeeld-design-tokens.md"
# The voorbeeld theme sets 'Noto Sans' for text and 'Noto Serif' for headings; serve the Latin
# subset ourselves (the CSP allows fonts only from 'self').
for weight in 400 700; do
  put "$static" "$sans" "files/noto-sans-latin-$weight-normal.woff2" \
    "$static/fonts/noto-sans-latin-$weight-normal.woff2"
  put "$static" "$serif" "files/noto-serif-latin-$weight-normal.woff2" \
    "$static/fonts/noto-serif-latin-$weight-normal.woff2"
done
put "$static" "$sans" LICENSE "$static/fonts/LICENSE-noto-sans.txt"
put "$static" "$serif" LICENSE "$static/fonts/LICENSE-noto-serif.txt"
put "$static" "$htmx" dist/htmx.min.js "$static/htmx/htmx.min.js"
put "$static" "$htmx" LICENSE "$static/htmx/LICENSE"
write_vendored "$static" "Vendored front-end files"

# --- axe-core, injected by the browser tests only ----------------------------------------------
rm -rf "$e2e"
mkdir -p "$e2e"
put "$e2e" "$axe" axe.min.js "$e2e/axe.min.js"
put "$e2e" "$axe" LICENSE "$e2e/LICENSE"
put "$e2e" "$axe" LICENSE-3RD-PARTY.txt "$e2e/LICENSE-3RD-PARTY.txt"
write_vendored "$e2e" "Vendored test files"

echo "Done: $static and $e2e (see VENDORED.md in each); commit the result."
