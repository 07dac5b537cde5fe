#!/bin/sh
# Writes the AppCDS archive lib/app/ferry.jsa for the place this app image sits in.
# JDK 17 checks the archive against the absolute class path it was made with, so it cannot
# be built on the build machine and moved: build.sh records the class list
# (lib/app/ferry.classlist) in a training run, and the package's install script runs this
# to dump the archive in place (a few seconds, no display needed). Removed on uninstall.
# With a JDK 25 runtime the package ships its AOT cache (lib/app/ferry.aot) and there is no
# class list: nothing to do.
set -e
lib="$(cd "$(dirname "$0")" && pwd)"
app="$lib/app"
[ -f "$app/ferry.classlist" ] || exit 0
cp="$(sed -n "s|^app.classpath=\\\$APPDIR|$app|p" "$app/ferry.cfg" | paste -s -d: -)"
rm -f "$app/ferry.jsa"
"$lib/runtime/bin/java" -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$app/ferry.classlist" \
  -XX:SharedArchiveFile="$app/ferry.jsa" -cp "$cp" >/dev/null 2>&1
