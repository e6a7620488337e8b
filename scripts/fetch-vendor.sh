#!/usr/bin/env bash
# Fetch the pinned front-end assets into static/vendor/ with npm (the registry, never a CDN).
#
#   bash scripts/fetch-vendor.sh        (or: make vendor)
#
# Copies only the dist files the pages load plus each package's licence, and writes
# static/vendor/VERSIONS.txt (name, version, licence, sha256 of every file). Idempotent: running it twice
# gives the same tree. To upgrade a package, change its pin below, run it, check the pages, commit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

# Pinned versions (npm package names: @tabler/core, htmx.org, echarts, mermaid).
TABLER_VERSION=1.6.1
HTMX_VERSION=2.0.11
ECHARTS_VERSION=5.6.0
MERMAID_VERSION=11.17.2

command -v npm >/dev/null || { echo "fetch-vendor: npm is required (apt-get install npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <npm spec>: unpack the package tarball into $WORK/<sanitised spec>/package and print that path
fetch() {
    local spec="$1" dir
    dir="$WORK/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent --loglevel=error "$spec" >/dev/null 2>&1)
    tar -xzf "$dir"/*.tgz -C "$dir"
    echo "$dir/package"
}

# put <src> <dest relative to static/vendor>
put() {
    install -D -m 0644 "$1" "$VENDOR/$2"
}

# put_licence <package dir> <vendor dir> <npm name> <version> <copyright holder>: the package's LICENSE file;
# a package that ships none (Tabler's npm tarball) gets the MIT text its package.json names, with a note saying so.
put_licence() {
    local pkg="$1" dest="$2" name="$3" version="$4" holder="$5" file
    for file in LICENSE LICENSE.md LICENSE.txt; do
        if [ -f "$pkg/$file" ]; then put "$pkg/$file" "$dest/LICENSE"; return; fi
    done
    [ "$(licence_of "$pkg")" = "MIT" ] || { echo "fetch-vendor: $name ships no licence file and is not MIT" >&2; exit 1; }
    mkdir -p "$VENDOR/$dest"
    cat >"$VENDOR/$dest/LICENSE" <<LICENCE
$name $version is licensed under the MIT License (package.json "license": "MIT").
Its npm package ships no LICENSE file; this text was written by scripts/fetch-vendor.sh.

MIT License

Copyright (c) $holder

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
}

licence_of() {
    node -e 'const p=require(process.argv[1]); console.log(typeof p.license==="string"?p.license:(p.license&&p.license.type)||"see LICENSE")' "$1/package.json"
}

rm -rf "$VENDOR"
mkdir -p "$VENDOR"
{
    echo "# Front-end assets vendored by scripts/fetch-vendor.sh from the npm registry. Do not edit by hand."
    echo "# package version licence"
} >"$VENDOR/VERSIONS.txt.head"

record() {  # record <npm name> <version> <package dir>
    echo "$1 $2 $(licence_of "$3")" >>"$VENDOR/VERSIONS.txt.head"
}

# --- Tabler (Bootstrap 5 based UI kit; its JS bundles Bootstrap's) ---
pkg="$(fetch "@tabler/core@$TABLER_VERSION")"
put "$pkg/dist/css/tabler.min.css" tabler/css/tabler.min.css
put "$pkg/dist/js/tabler.min.js" tabler/js/tabler.min.js
put_licence "$pkg" tabler "@tabler/core" "$TABLER_VERSION" "The Tabler Authors (https://tabler.io)"
record @tabler/core "$TABLER_VERSION" "$pkg"

# --- htmx ---
pkg="$(fetch "htmx.org@$HTMX_VERSION")"
put "$pkg/dist/htmx.min.js" htmx/htmx.min.js
put "$pkg/LICENSE" htmx/LICENSE
record htmx.org "$HTMX_VERSION" "$pkg"

# --- Apache ECharts (charts on the report pages) ---
pkg="$(fetch "echarts@$ECHARTS_VERSION")"
put "$pkg/dist/echarts.min.js" echarts/echarts.min.js
put "$pkg/LICENSE" echarts/LICENSE
put "$pkg/NOTICE" echarts/NOTICE
record echarts "$ECHARTS_VERSION" "$pkg"

# --- Mermaid (process diagrams). dist/mermaid.min.js is the IIFE bundle with every diagram type inside;
# the ESM build (mermaid.esm.min.mjs) loads chunks at run time and is deliberately not used.
pkg="$(fetch "mermaid@$MERMAID_VERSION")"
if grep -q 'import(' "$pkg/dist/mermaid.min.js" && grep -qE 'import\("\./chunks/' "$pkg/dist/mermaid.min.js"; then
    echo "fetch-vendor: mermaid.min.js $MERMAID_VERSION loads chunks at run time; pick another version" >&2
    exit 1
fi
put "$pkg/dist/mermaid.min.js" mermaid/mermaid.min.js
put "$pkg/LICENSE" mermaid/LICENSE
record mermaid "$MERMAID_VERSION" "$pkg"

# --- VERSIONS.txt: the package list, then sha256 of every file (sorted, so the file is stable) ---
{
    cat "$VENDOR/VERSIONS.txt.head"
    echo
    echo "# sha256  file"
    (cd "$VENDOR" && find . -type f ! -name 'VERSIONS.txt*' | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum)
} >"$VENDOR/VERSIONS.txt"
rm -f "$VENDOR/VERSIONS.txt.head"

echo "fetch-vendor: $(du -sh "$VENDOR" | cut -f1) in $VENDOR"
cat "$VENDOR/VERSIONS.txt"
