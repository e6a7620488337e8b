#!/usr/bin/env bash
# Extract the translatable strings into the Simplified Chinese catalogue and compile it.
#
#   bash scripts/messages.sh            (from anywhere; needs the gettext tools: xgettext, msgmerge, msgfmt)
#
# 1. makemessages -d django, run inside src/gongdan (the package) so it sees every app's Python and templates
#    and writes src/gongdan/locale/zh_Hans/LC_MESSAGES/django.po; tests and the virtualenv are skipped.
# 2. makemessages -d djangojs, only when our own JavaScript (static/js, <app>/static) calls gettext(); the
#    catalogue is served by the JavaScriptCatalog view at /jsi18n/. Vendored assets are never scanned.
# 3. compilemessages: the .mo files are committed next to the .po files, so a fresh machine needs no gettext.
#
# New or changed msgids arrive untranslated (or fuzzy): translate them in the .po, run this again, and
# commit both files. src/gongdan/utilities/tests/test_translations.py fails while any entry is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GONGDAN="$ROOT/.venv/bin/gongdan"
LOCALE=zh_Hans

for tool in xgettext msgmerge msguniq msgfmt; do
    command -v "$tool" >/dev/null || { echo "messages.sh: $tool is required (apt-get install gettext)" >&2; exit 1; }
done
[ -x "$GONGDAN" ] || { echo "messages.sh: $GONGDAN not found; run make install first" >&2; exit 1; }

# Settings need a data directory; keep it out of the package (the default, ./var, is relative to the cwd).
export GONGDAN_DATA_DIR="${GONGDAN_DATA_DIR:-$ROOT/var}"

IGNORE=(-i 'tests/*' -i '*/tests/*' -i '.venv/*' -i 'var/*' -i '*/vendor/*' -i 'static/vendor/*')

# Python and templates of all apps -> src/gongdan/locale/zh_Hans/LC_MESSAGES/django.po
(cd "$ROOT/src/gongdan" && "$GONGDAN" makemessages -l "$LOCALE" --no-location --no-obsolete "${IGNORE[@]}")

# JavaScript, only if one of our own scripts is translated (gettext/ngettext/pgettext/interpolate calls).
js_dirs=("$ROOT/static/js")
while IFS= read -r dir; do js_dirs+=("$dir"); done < <(find "$ROOT/src/gongdan" -type d -name static -not -path '*/vendor/*')
translated_js=$(grep -rlE '\b(n|p|np)?gettext\(|\binterpolate\(' --include='*.js' "${js_dirs[@]}" 2>/dev/null \
    | grep -v '/vendor/' || true)
if [ -n "$translated_js" ]; then
    # Run from the repository root so static/js is scanned as well as src/gongdan/**/static; files outside an
    # app with its own locale/ go to the first LOCALE_PATHS entry, src/gongdan/locale.
    (cd "$ROOT" && "$GONGDAN" makemessages -d djangojs -l "$LOCALE" --no-location --no-obsolete \
        "${IGNORE[@]}" -i 'bench/*' -i 'docs/*' -i 'processes/*' -i 'node_modules/*')
fi

(cd "$ROOT/src/gongdan" && "$GONGDAN" compilemessages -l "$LOCALE" "${IGNORE[@]}")

# Report what is left to translate (msgfmt: "N translated messages[, M fuzzy translations][, K untranslated ...]").
for po in "$ROOT"/src/gongdan/locale/"$LOCALE"/LC_MESSAGES/*.po; do
    echo "messages.sh: ${po#"$ROOT"/}: $(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)"
done
