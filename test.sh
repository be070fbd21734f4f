#!/usr/bin/env bash
# The whole test suite on a machine with only the .NET SDK: installs the Debian packages whose
# programs the tests drive for real (.ci/apt-packages: tshark, prometheus/promtool,
# docker-compose, chromium), then runs `dotnet test TcpActors.sln` with any arguments given here
# (./test.sh --filter "FullyQualifiedName~Pcap"). A package already installed is left alone, so
# a second run installs nothing. Installing needs root, or sudo when it is there.
set -euo pipefail
cd "$(dirname "$0")"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
while read -r package _; do
  [[ -z "$package" || "$package" == \#* ]] && continue
  installed "$package" || missing+=("$package")
done < .ci/apt-packages

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=()
  elif command -v sudo >/dev/null 2>&1; then as_root=(sudo)
  else
    echo "test.sh: cannot install ${missing[*]}: run as root or install sudo (as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "test.sh: installing the Debian packages the tests drive: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "test.sh: could not install ${missing[*]} with apt-get (see its messages above)" >&2; exit 1; }
fi

exec dotnet test TcpActors.sln "$@"
