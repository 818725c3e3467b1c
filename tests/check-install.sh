#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the build into a temporary DESTDIR and checks the installed tree:
# the binary (with libssh and VTE among its linked libraries), the desktop
# file, the metainfo, the icons, the schema, the D-Bus service and the French
# catalog, each where the desktop looks for it.
#
#   check-install.sh MESON BUILDDIR PREFIX BINDIR DATADIR LOCALEDIR

set -euo pipefail

meson="$1" builddir="$2" prefix="$3" bindir="$4" datadir="$5" localedir="$6"
app_id=io.github.tetherapp.Tether

destdir="$(mktemp -d)"
trap 'rm -rf "$destdir"' EXIT

# --no-rebuild: meson test has built everything; a nested ninja would race it.
"$meson" install -C "$builddir" --no-rebuild --destdir "$destdir" --quiet

failures=0
check ()
{
  local what="$1"
  shift
  if "$@" >"$destdir/.out" 2>&1; then
    echo "ok - $what"
  else
    echo "not ok - $what"
    sed 's/^/#   /' "$destdir/.out"
    failures=$((failures + 1))
  fi
}

root="$destdir"
bin="$root$bindir/tether"
desktop="$root$datadir/applications/$app_id.desktop"
metainfo="$root$datadir/metainfo/$app_id.metainfo.xml"
icon="$root$datadir/icons/hicolor/scalable/apps/$app_id.svg"
symbolic="$root$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
schemas="$root$datadir/glib-2.0/schemas"
service="$root$datadir/dbus-1/services/$app_id.service"
mo="$root$localedir/fr/LC_MESSAGES/tether.mo"

check "the binary is installed and executable" test -x "$bin"
# Packaging tools (dpkg-shlibdeps, RPM's automatic Requires) derive the
# package's dependencies from the binary's NEEDED entries.
links ()
{
  local needed
  needed="$(readelf -d "$bin" | grep NEEDED)"
  printf '%s\n' "$needed"   # shown when the check fails
  grep -qE "\\[$1\\.so\\.[0-9]+\\]" <<<"$needed"
}
check "the binary links libssh" links 'libssh'
check "the binary links VTE for GTK 4" links 'libvte-2\.91-gtk4'
check "the desktop file is installed and valid" desktop-file-validate "$desktop"
check "the desktop file is translated into French" grep -q '^Comment\[fr\]=' "$desktop"
check "the desktop file names the installed icon" grep -qx "Icon=$app_id" "$desktop"
check "the metainfo is installed and valid" appstreamcli validate --no-net "$metainfo"
check "the metainfo is translated into French" grep -q 'xml:lang="fr"' "$metainfo"
check "the scalable icon is installed" test -s "$icon"
check "the symbolic icon is installed" test -s "$symbolic"
check "the icons are SVG" grep -q '<svg' "$icon" "$symbolic"
check "the schema is installed and compiles" \
  glib-compile-schemas --strict --dry-run "$schemas"
check "the schema is the app's" test -s "$schemas/$app_id.gschema.xml"
check "the D-Bus service names the app" grep -qx "Name=$app_id" "$service"
check "the D-Bus service starts the installed binary" \
  grep -qx "Exec=$bindir/tether --gapplication-service" "$service"
check "the French catalog is installed" test -s "$mo"
check "the French catalog holds Tether's strings" \
  bash -c "msgunfmt '$mo' | grep -q 'Préférences'"

echo "1..17"
exit $((failures > 0))
