#!/usr/bin/env bash
# Installs a real Prometheus server and promtool from Debian's packages, without root and
# without touching the system: a private apt configuration (sources list, lists, cache and
# dpkg status under .prometheus/apt/<suite>/) fetches the .debs with `apt-get download`, and
# `dpkg-deb -x` unpacks them into .prometheus/<version>/. Idempotent: an installed version
# is only verified. The Debian mirror is read from the machine's own apt sources.
#
# Usage: scripts/prometheus/install.sh <3.5.3|2.42>
#   3.5.3 (or 3.5, 3): the 3.5.x packages of Debian's forky suite
#   2.42 (or 2):       the 2.42.x packages of Debian's bookworm suite
# Environment: PROMETHEUS_HOME (default <repo>/.prometheus), DEBIAN_MIRROR (overrides the
# mirror read from /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list).
# Prints the install directory on the last line of stdout.
set -euo pipefail

usage() { echo "usage: $0 <3.5.3|2.42>" >&2; exit 2; }
[ $# -eq 1 ] || usage
requested="$1"
case "$requested" in
  3 | 3.5 | 3.5.*) suite=forky; series=3.5 ;;
  2 | 2.42 | 2.42.*) suite=bookworm; series=2.42 ;;
  *) usage ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="${PROMETHEUS_HOME:-$repo_root/.prometheus}"
dest="$home/$series"

verify() {
  local bin
  for bin in prometheus promtool; do
    if ! "$dest/bin/$bin" --version >/dev/null 2>&1; then
      echo "error: $dest/bin/$bin does not run" >&2
      "$dest/bin/$bin" --version >&2 || true
      return 1
    fi
  done
  "$dest/bin/prometheus" --version 2>&1 | head -n 1 >&2
  "$dest/bin/promtool" --version 2>&1 | head -n 1 >&2
}

if [ -x "$dest/bin/prometheus" ] && [ -x "$dest/bin/promtool" ]; then
  echo "Prometheus $series already installed in $dest ($(cat "$dest/DEBIAN_VERSION" 2>/dev/null || echo unknown))" >&2
  verify
  echo "$dest"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required (a Debian-based machine)" >&2; exit 1; }
done

# The mirror and its keyring, from the machine's own apt sources (deb822 or one-line form).
mirror="${DEBIAN_MIRROR:-}"
keyring=""
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
  # The first stanza whose URI is not a security mirror.
  read -r mirror keyring < <(awk '
    /^[[:space:]]*$/ { if (uri != "" && uri !~ /security/) { print uri, key; found = 1; exit } uri = ""; key = ""; next }
    /^URIs:/ { uri = $2 }
    /^Signed-By:/ { key = $2 }
    END { if (!found && uri != "" && uri !~ /security/) print uri, key }
  ' /etc/apt/sources.list.d/debian.sources) || true
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
fi
if [ -z "$mirror" ]; then
  echo "error: no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set DEBIAN_MIRROR" >&2
  exit 1
fi

apt_dir="$home/apt/$suite"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$apt_dir/preferences.d" "$apt_dir/debs"
touch "$apt_dir/status"
signed_by=""
if [ -n "$keyring" ] && [ -r "$keyring" ]; then signed_by=" [signed-by=$keyring]"; fi
echo "deb$signed_by $mirror $suite main" >"$apt_dir/sources.list"

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/parts"
  -o "Dir::Etc::Preferences=$apt_dir/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/preferences.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root"
)

echo "Fetching the $suite package lists from $mirror ..." >&2
if ! apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 || grep -qE '^(E:|Err:)' "$apt_dir/update.log"; then
  cat "$apt_dir/update.log" >&2
  echo "error: could not fetch the $suite package lists from the Debian mirror $mirror" >&2
  exit 1
fi

candidate() { apt-cache "${apt_opts[@]}" policy "$1" | awk '/Candidate:/ { print $2 }'; }
version="$(candidate prometheus)"
tool_version="$(candidate promtool)"
case "$version" in
  "$series".*) ;;
  *) echo "error: Debian $suite has prometheus '${version:-none}', not $series.x" >&2; exit 1 ;;
esac
# forky packages promtool separately; bookworm ships it inside the prometheus package.
packages=("prometheus=$version")
if [ -n "$tool_version" ] && [ "$tool_version" != "(none)" ]; then
  if [ "$tool_version" != "$version" ]; then
    echo "error: Debian $suite has promtool '$tool_version' but prometheus '$version'" >&2
    exit 1
  fi
  packages+=("promtool=$version")
fi

echo "Downloading ${packages[*]} ..." >&2
rm -f "$apt_dir"/debs/*.deb
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -q download "${packages[@]}" >&2)

staging="$dest.tmp.$$"
rm -rf "$staging"
mkdir -p "$staging/root"
for deb in "$apt_dir"/debs/*.deb; do
  dpkg-deb -x "$deb" "$staging/root"
done
mkdir -p "$staging/bin"
for bin in prometheus promtool; do
  if [ ! -x "$staging/root/usr/bin/$bin" ]; then
    echo "error: the packages hold no usr/bin/$bin" >&2
    exit 1
  fi
  ln -s "../root/usr/bin/$bin" "$staging/bin/$bin"
done
echo "$version" >"$staging/DEBIAN_VERSION"
rm -rf "$dest"
mv "$staging" "$dest"
verify
echo "Installed Prometheus $version in $dest" >&2
echo "$dest"
