#!/usr/bin/env bash
# Vendors Det Fælles Designsystem (npm package dkfds) into the embedded static
# files: the built CSS and JS, the IBM Plex Sans woff2 fonts and the icons the
# CSS refers to, with their licences. Run it to move to another version; the
# result is committed. The CSS's font lists are cut to woff2 (every browser
# samspil supports reads it), so no request goes to a file not shipped.
set -euo pipefail
version=${1:-11.2.0}
repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/internal/web/static/vendor/dkfds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "dkfds@$version" >/dev/null && tar xzf "dkfds-$version.tgz")
src="$tmp/package/dist"
rm -rf "$out"
mkdir -p "$out/css" "$out/js" "$out/fonts" "$out/img/svg-icons"
python3 - "$src/css/dkfds.min.css" "$out/css/dkfds.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
def fontface(m):
    block = m.group(0)
    srcs = re.search(r"src:([^;}]*)", block).group(1)
    keep = [s for s in re.split(r",(?=url\()", srcs) if ".woff2)" in s]
    return block.replace(srcs, ",".join(keep))
css = re.sub(r"@font-face\{[^}]*\}", fontface, css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
cp "$src/js/dkfds.min.js" "$out/js/dkfds.min.js"
sed -i '/sourceMappingURL/d' "$out/js/dkfds.min.js"
for f in $(grep -o 'url(../fonts/[^)]*\.woff2)' "$out/css/dkfds.min.css" | sed 's/url(..\/fonts\///; s/)//' | sort -u); do
  mkdir -p "$out/fonts/$(dirname "$f")"; cp "$src/fonts/$f" "$out/fonts/$f"
done
cp "$src/fonts/IBMPlexSans/complete/woff2/license.txt" "$out/fonts/OFL-1.1.txt"
for f in $(grep -o 'url(../img/[^)]*)' "$out/css/dkfds.min.css" | sed 's/url(..\/img\///; s/)//' | sort -u); do
  mkdir -p "$out/img/$(dirname "$f")"; cp "$src/img/$f" "$out/img/$f"
done
cp "$src/img/all-svg-icons.svg" "$out/img/all-svg-icons.svg"
cp "$src/LICENSE.md" "$out/LICENSE.md"
cat > "$out/SOURCE.md" <<MD
# Det Fælles Designsystem (DKFDS) $version

From the npm package \`dkfds@$version\` (https://www.npmjs.com/package/dkfds), the
Danish Agency for Digital Government's design system for public digital
solutions. Licences: MIT for the code and styles, SIL Open Font License 1.1
for IBM Plex Sans (fonts/OFL-1.1.txt), Apache 2.0 for the icons (LICENSE.md
lists them). Vendored by tools/vendor-dkfds.sh: the built CSS (font lists cut
to woff2), the built JS, the woff2 fonts the icons the CSS refers to and the icon sprite.
MD
du -sh "$out"
