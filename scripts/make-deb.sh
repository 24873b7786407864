#!/usr/bin/env bash
# make-deb.sh OUTDIR (make deb): builds the segstream Debian package and its -dbgsym with
# dpkg-buildpackage and debhelper, in place, so the checkout's build/ is reused (debian/rules
# neither cleans nor runs the tests), and puts the .deb files, .buildinfo and .changes in
# OUTDIR, never in the parent directory. lintian must then find no error and no warning.
# The package version is version.h's: debian/changelog is written here from it.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: make-deb.sh OUTDIR}
[ ! -e "$out" ] || [ -d "$out" ] || {
  echo "make deb: error: $out is not a directory" >&2
  exit 2
}
missing=()
for tool in dpkg-buildpackage dh lintian; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "make deb: error: missing ${missing[*]}" >&2
  echo "hint: make deps installs them (dpkg-dev, debhelper, lintian)" >&2
  exit 1
fi

version=$(sed -n 's/.*kSegstreamVersion = "\(.*\)";.*/\1/p' lib/common/cli/version.h)
[ -n "$version" ] || {
  echo "make deb: error: no kSegstreamVersion in lib/common/cli/version.h" >&2
  exit 1
}
maintainer=$(sed -n 's/^Maintainer: //p' debian/control)
# The last commit's date, so the same commit gives the same package (dpkg takes its file
# times from the changelog).
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat >debian/changelog <<EOF
segstream ($version) unstable; urgency=medium

  * segstream $version, packaged from the source tree by make deb.

 -- $maintainer  $date
EOF

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
# Only this package's files go: OUTDIR may hold anything else.
mkdir -p "$out"
rm -f "$out"/segstream_*.deb "$out"/segstream-dbgsym_*.deb "$out"/segstream_*.buildinfo \
  "$out"/segstream_*.changes
export SEGSTREAM_DEB_DIR=$out
dpkg-buildpackage -b --no-sign -j"${JOBS:-2}" --post-clean \
  --buildinfo-file="$out/segstream_${version}_$arch.buildinfo" --buildinfo-option=-u"$out" \
  --changes-file="$out/segstream_${version}_$arch.changes" --changes-option=-u"$out"

# Pedantic and informational tags are shown too; only errors and warnings fail the build.
lintian --fail-on error,warning --display-info --pedantic "$out/segstream_${version}_$arch.changes"
echo "make deb: $(cd "$out" && echo *.deb) in $out"
