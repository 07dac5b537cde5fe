#!/usr/bin/env bash
# Builds Ferry's double-click installers with jlink + jpackage on the OS it runs on.
#
#   installers/build.sh [TYPE...]
#     Linux   default: deb rpm   (also: app-image only)
#     macOS   default: dmg       (also: pkg)
#     Windows default: msi       (also: exe)  - run from Git Bash
#   The app image is always built: installers/target/app-image/.
#   Packages land in installers/target/packages/.
#
# Needs: `mvn -DskipTests package` done first (ui/target/ferry-desktop.jar + ui/target/lib),
# a full JDK (jlink, jpackage; JDK 17 with jmods, or JDK 25+). Linux: fakeroot + dpkg-deb for
# .deb, rpm for .rpm, and xvfb-run (or a DISPLAY) for the start-up training run.
#
# The runtime Ferry ships (and the jlink/jpackage that make it) comes from a JDK 25 or later
# when there is one: FERRY_PACKAGE_JDK, else the newest JDK 25+ under /usr/lib/jvm (Linux).
# Its AOT cache (JEP 483/514/515: classes loaded, linked and profiled ahead of time) is built
# here and shipped (lib/app/ferry.aot). Without JDK 25, JAVA_HOME (JDK 17) makes the runtime and
# the install scripts dump an AppCDS archive instead (slower start). The app itself is always
# compiled for Java 17.
# Environment:
#   FERRY_PACKAGE_JDK  the JDK whose runtime is shipped (default: see above)
#   FERRY_NO_CDS=1     skip the training run (no AOT cache / AppCDS archive; slower start)
#   FERRY_VERSION      package version (default: root pom version without -SNAPSHOT)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
ui_target="$root/ui/target"
out="$here/target"

fail() { echo "build.sh: $*" >&2; exit 1; }
step() { echo "build.sh: $*"; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=mac ;;
  MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "unsupported OS $(uname -s)" ;;
esac
if [ $# -gt 0 ]; then types=("$@"); else
  case $os in linux) types=(deb rpm) ;; mac) types=(dmg) ;; windows) types=(msi) ;; esac
fi

[ -f "$ui_target/ferry-desktop.jar" ] && [ -d "$ui_target/lib" ] \
  || fail "ui/target/ferry-desktop.jar is missing: run 'mvn -DskipTests package' in $root first"

if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac || fail 'javac not on PATH: install a JDK 17 or set JAVA_HOME')")")")"
fi
[ $os != windows ] || JAVA_HOME="$(cygpath -u "$JAVA_HOME")"
jdk_feature() { # the JDK's feature version (17, 25, ...)
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
pkg_jdk="${FERRY_PACKAGE_JDK:-}"
if [ -z "$pkg_jdk" ] && [ $os = linux ]; then
  best=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/jlink" ] && [ -x "$d/bin/jpackage" ] && [ ! -L "$d" ] || continue
    f="$(jdk_feature "$d")"
    if [ "${f:-0}" -ge 25 ] && [ "$f" -gt "$best" ]; then best=$f; pkg_jdk="$d"; fi
  done
fi
pkg_jdk="${pkg_jdk:-$JAVA_HOME}"
jdk_bin="$pkg_jdk/bin"
jdk_version="$(jdk_feature "$pkg_jdk")"
[ -n "$jdk_version" ] || fail "$pkg_jdk does not look like a JDK"
# JDK 24+ links from its own run-time image (JEP 493) when it has no jmods/.
[ -d "$pkg_jdk/jmods" ] || [ "$jdk_version" -ge 24 ] \
  || fail "$pkg_jdk has no jmods/ folder; jlink needs a full JDK (Debian: openjdk-17-jdk)"
aot=0; [ "$jdk_version" -ge 25 ] && aot=1

version="${FERRY_VERSION:-$(sed -n '/<artifactId>ferry-parent<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")}"
version="${version%%-*}"
# macOS refuses app versions whose first number is 0 (CFBundleVersion rule).
if [ $os = mac ] && [ "${version%%.*}" = 0 ]; then version="1.${version#*.}"; fi
step "Ferry $version for $os: ${types[*]} (runtime from JDK $jdk_version: $pkg_jdk)"

rm -rf "$out"
mkdir -p "$out/input" "$out/packages"
cd "$out"

# 1. Application jars (class path). JavaFX goes into the runtime as modules instead.
cp "$ui_target/ferry-desktop.jar" input/
for jar in "$ui_target"/lib/*.jar; do
  case "$(basename "$jar")" in javafx-*) ;; *) cp "$jar" input/ ;; esac
done
# Store the jars uncompressed: the package formats compress far better than deflate does
# (.deb 13 MB instead of 33 MB for the jars) and classes load without inflating.
# Signed jars (Bouncy Castle's) are shipped unsigned: the JDK reads their 0.8 MB manifests and
# signature files, verifies them when the class path is scanned at start, and keeps them on
# the heap (2.5 MB). Ferry uses Bouncy Castle as a library, not as a JCE provider, so the
# signature buys nothing here; the package itself is what users verify.
unsign() { # in an unpacked jar: drop signature files and the per-entry digests of the manifest
  ls META-INF/*.SF >/dev/null 2>&1 || return 0
  rm -f META-INF/*.SF META-INF/*.RSA META-INF/*.DSA META-INF/*.EC
  tr -d '\r' < META-INF/MANIFEST.MF | awk 'BEGIN { RS = ""; ORS = "\n\n" } NR == 1 { print; exit }' > manifest.main
  mv manifest.main META-INF/MANIFEST.MF
}
if command -v zip >/dev/null && command -v unzip >/dev/null; then
  for jar in input/*.jar; do
    rm -rf repack && mkdir repack
    (cd repack && unzip -q -o "../$jar" && rm "../$jar" \
      && unsign \
      && { [ ! -f META-INF/MANIFEST.MF ] || zip -q -0 -X "../$jar" META-INF/MANIFEST.MF; } \
      && zip -q -0 -X -r "../$jar" .)
  done
  rm -rf repack
else
  step "zip/unzip not found: keeping the jars compressed (larger installers)"
fi
# JavaFX platform jars (javafx-<module>-<version>-<platform>.jar); the jars without a
# classifier are empty shells and are skipped.
fx_jars=()
for jar in "$ui_target"/lib/javafx-*-*-*.jar; do fx_jars+=("$jar"); done
[ ${#fx_jars[@]} -ge 4 ] || fail "JavaFX platform jars not found in $ui_target/lib"
# Paths handed to the JDK tools: Windows-style on Windows (Git Bash), separated by ';'.
native_path() { if [ $os = windows ]; then cygpath -w "$1"; else echo "$1"; fi; }
sep=":"; [ $os = windows ] && sep=";"
fx_path=""
for jar in "${fx_jars[@]}"; do fx_path="${fx_path:+$fx_path$sep}$(native_path "$jar")"; done
jdk_modules=""
[ -d "$pkg_jdk/jmods" ] && jdk_modules="$(native_path "$pkg_jdk/jmods")$sep"

# 2. Runtime: the JDK modules the app uses (jdeps + those loaded by reflection or as
# services, which jdeps cannot see) plus JavaFX.
modules="java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.net,jdk.unsupported,jdk.zipfs,javafx.base,javafx.graphics,javafx.controls,javafx.swing"
found="$("$jdk_bin/jdeps" -q --ignore-missing-deps --multi-release 17 --print-module-deps \
  --module-path "$fx_path" --class-path "input/*" input/*.jar | tail -n 1)"
for m in ${found//,/ }; do
  case ",$modules," in *",$m,"*) ;; *) step "jdeps: adding module $m"; modules="$modules,$m" ;; esac
done
step "jlink: $modules"
"$jdk_bin/jlink" --module-path "$jdk_modules$fx_path" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=0 --generate-cds-archive \
  --output runtime
# compress=0: the installer compresses the module image better than jlink's zip, and the
# classes are read without inflating at start. The no-compressed-oops CDS archive only
# serves heaps above 32 GB.
rm -f runtime/lib/server/classes_nocoops.jsa runtime/bin/server/classes_nocoops.jsa
# Native JavaFX libraries next to the JDK's own, so JavaFX loads them in place instead of
# extracting them to ~/.openjfx/cache at every start.
native_dir=runtime/lib; [ $os = windows ] && native_dir=runtime/bin
mkdir -p fx-natives
for jar in "${fx_jars[@]}"; do (cd fx-natives && "$jdk_bin/jar" xf "$(native_path "$jar")"); done
find fx-natives -maxdepth 1 -type f \( -name '*.so' -o -name '*.dylib' -o -name '*.dll' \) -exec cp {} "$native_dir/" \;
rm -rf fx-natives

# 3. App image.
newer=()
if [ "$jdk_version" -ge 24 ]; then
  # JavaFX 21 loads its native libraries and uses sun.misc.Unsafe: allowed, without the warnings
  # JDK 24+ prints otherwise (JEP 472, JEP 498).
  newer=(--java-options --enable-native-access=javafx.graphics,ALL-UNNAMED
    --java-options --sun-misc-unsafe-memory-access=allow)
fi
"$jdk_bin/jpackage" --type app-image --app-version "$version" \
  @"$here/jpackage/common.args" @"$here/jpackage/$os.args" ${newer[@]+"${newer[@]}"}
case $os in
  linux) image="$out/app-image/ferry"; cfg="$image/lib/app/ferry.cfg"; launcher="$image/bin/ferry" ;;
  mac) image="$out/app-image/Ferry.app"; cfg="$image/Contents/app/Ferry.cfg"; launcher="$image/Contents/MacOS/Ferry" ;;
  windows) image="$out/app-image/Ferry"; cfg="$image/app/Ferry.cfg"; launcher="$image/Ferry.exe" ;;
esac
[ -f "$cfg" ] || fail "jpackage did not write $cfg"
if [ $os = linux ]; then
  # jpackage's Linux launcher queries rpm and dpkg at every start (see linux/ferry-launcher.sh);
  # this script does the same job without them, from the same ferry.cfg.
  install -m 755 "$here/linux/ferry-launcher.sh" "$launcher"
fi

# 4. Start-up archive (Linux): run the packaged app once until its first window shows.
# JDK 25+: that run writes the AOT cache lib/app/ferry.aot, which is shipped as is (the JDK
# accepts it in another folder as long as the jars and the runtime keep their timestamps, which
# the packages preserve). JDK 17: it records the classes it loaded (lib/app/ferry.classlist);
# JDK 17 archives hold absolute paths, so the archive itself is dumped where the app ends up:
# by lib/cds-dump.sh, which the .deb/.rpm install scripts run, and here for the app image.
# macOS/Windows installers ship without either (no training run there yet).
set_cds_option() { # $@: java options to add (they replace earlier CDS options)
  grep -v -e 'DumpLoadedClassList' -e 'SharedArchiveFile' -e 'Xshare' -e 'AOTCache' "$cfg" \
    | awk -v opts="$*" '{ print } /^\[JavaOptions\]/ { n = split(opts, o, " "); for (i = 1; i <= n; i++) print "java-options=" o[i] }' > "$cfg.new"
  mv "$cfg.new" "$cfg"
}
if [ $os = linux ] && [ "${FERRY_NO_CDS:-0}" != 1 ]; then
  app_dir="$(dirname "$cfg")"
  grep -q '^\[JavaOptions\]' "$cfg" || fail "$cfg has no [JavaOptions] section"
  if [ $aot = 1 ]; then
    set_cds_option '-XX:AOTCacheOutput=$APPDIR/ferry.aot'
  else
    set_cds_option '-XX:DumpLoadedClassList=$APPDIR/ferry.classlist'
  fi
  run=("$launcher")
  if [ -z "${DISPLAY:-}" ]; then
    command -v xvfb-run >/dev/null || fail "no DISPLAY and no xvfb-run for the AppCDS training run: apt-get install -y xvfb (or FERRY_NO_CDS=1)"
    run=(xvfb-run -a "$launcher")
  fi
  step "start-up training run: ${run[*]}"
  FERRY_EXIT_AFTER_SHOWN=1 timeout 180 "${run[@]}" > cds-training.log 2>&1 || true
  trained="$app_dir/ferry.classlist"; [ $aot = 1 ] && trained="$app_dir/ferry.aot"
  grep -q 'Ferry window shown' cds-training.log && [ -s "$trained" ] \
    || { cat cds-training.log >&2; fail "the start-up training run did not show a window or wrote no $trained (log above)"; }
  if [ $aot = 1 ]; then
    # Without a usable cache the JVM starts without it (AOTMode=auto) and says why.
    set_cds_option '-XX:AOTCache=$APPDIR/ferry.aot'
    step "AOT cache: $(du -h "$trained" | cut -f1)"
  else
    # -Xshare:auto: start without the archive rather than fail if it is missing or stale.
    set_cds_option '-XX:SharedArchiveFile=$APPDIR/ferry.jsa' -Xshare:auto
    step "AppCDS class list: $(wc -l < "$trained") classes"
  fi
  cp "$here/linux/cds-dump.sh" "$image/lib/cds-dump.sh"
fi

# 5. Installers from the app image.
for type in "${types[@]}"; do
  [ "$type" = app-image ] && continue
  rm -f "$image/lib/app/ferry.jsa" # tied to this folder; the install scripts make their own
  extra=()
  case $type in
    deb) extra=(--linux-package-deps "libgtk-3-0, libxtst6, libasound2, libgl1") ;;
    rpm) extra=(--linux-package-deps "gtk3, libXtst, alsa-lib, mesa-libGL" --linux-rpm-license-type ASL-2.0) ;;
  esac
  step "jpackage --type $type"
  "$jdk_bin/jpackage" --type "$type" --app-image "$image" --app-version "$version" \
    --dest packages @"$here/jpackage/$os-package.args" ${extra[@]+"${extra[@]}"}
done
# The app image (for running in place and bench/startup.sh) gets an archive for its own folder.
if [ -x "$image/lib/cds-dump.sh" ]; then "$image/lib/cds-dump.sh" || fail "cds-dump.sh failed for $image"; fi
step "done: app-image/ $(cd packages && ls | tr '\n' ' ')"
