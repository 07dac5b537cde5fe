#!/usr/bin/env bash
# Derives the app icons from resources/icons/ferry.svg. The derived files are committed;
# run this again after editing the SVG.
#   PNG 16..1024 -> resources/icons/png/ferry-<size>.png (Linux, JavaFX stage icons)
#   ICO          -> resources/icons/ferry.ico  (Windows; 16..256 in one file)
#   ICNS         -> resources/icons/ferry.icns (macOS)
# Needs (Debian): apt-get install -y librsvg2-bin imagemagick icnsutils
# rsvg-convert rasterises the SVG (ImageMagick 6's own SVG renderer drops clip paths);
# ImageMagick builds the ICO; png2icns (icnsutils) builds the ICNS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
icons="$root/resources/icons"
src="$icons/ferry.svg"

need() { command -v "$1" >/dev/null || { echo "icons.sh: '$1' is missing; install it with: apt-get install -y $2" >&2; exit 1; }; }
need rsvg-convert librsvg2-bin
need png2icns icnsutils
# /usr/local/bin/convert may be a stand-in; use the real ImageMagick binary.
convert_bin=/usr/bin/convert
[ -x "$convert_bin" ] && "$convert_bin" -version | grep -q ImageMagick \
  || { echo "icons.sh: ImageMagick 'convert' is missing; install it with: apt-get install -y imagemagick" >&2; exit 1; }

mkdir -p "$icons/png"
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" "$src" -o "$icons/png/ferry-$size.png"
done
# -strip keeps the files byte-stable across runs (no timestamps in the PNG chunks).
"$convert_bin" "$icons"/png/ferry-{16,24,32,48,64,128,256}.png -strip "$icons/ferry.ico"
png2icns "$icons/ferry.icns" "$icons"/png/ferry-{16,32,48,128,256,512,1024}.png >/dev/null
echo "icons.sh: wrote $(ls "$icons/png" | wc -l) PNGs, ferry.ico, ferry.icns in $icons"
