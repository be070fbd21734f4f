#!/usr/bin/env bash
# Makes the pictures of README.md and docs/ from real runs, so that they show what the code draws
# today (run it after changing report.html or the dashboard, look at them, commit them):
#   docs/images/teardown-storm-report.png  report.html of the default run (`tcpactors run`)
#   docs/images/dashboard.png              the live dashboard after a teardown storm of 1,000
#                                          couples, 30 % loss applied live through the chaos API
# Needs chromium (the Debian package that ./test.sh installs) and curl. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
for program in chromium curl; do
  command -v "$program" >/dev/null 2>&1 || { echo "screenshots.sh: $program is not installed (apt-get install $program)" >&2; exit 1; }
done

work=$(mktemp -d)
dashboard_pid=
cleanup() {
  # TERM, not INT: a background job of a script ignores SIGINT (docs/cli.md, "Ctrl+C").
  if [ -n "$dashboard_pid" ]; then kill -TERM "$dashboard_pid" 2>/dev/null || true; wait "$dashboard_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/TcpActors.Cli -v q -nologo >/dev/null
tcpactors=src/TcpActors.Cli/bin/Release/net10.0/tcpactors

# A page as a person sees it: headless chromium, a fixed window, 8 s after it starts loading, so
# that its script has drawn, on a busy machine too (a budget of virtual time would never run out on the dashboard, whose
# event stream stays open).
shot() { # FILE WIDTH,HEIGHT URL
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking --timeout=8000 \
    --window-size="$2" --screenshot="$1" "$3" >/dev/null 2>&1
  echo "wrote $1"
}

# report.html of the README's main command.
"$tcpactors" run --quiet --out "$work/storm" >/dev/null
shot docs/images/teardown-storm-report.png 1100,980 "file://$work/storm/report.html"

# The dashboard: paced at 5 virtual s per wall s, loss 30 % through the chaos API once t >= 10 s
# (before the clients close at 20 s, on a busy machine too),
# the picture once the run has finished (the dashboard stays up until Ctrl+C).
"$tcpactors" run teardown-storm --couples 1000 --dashboard --port 0 --time-scale 5 --quiet --out "$work/live" >"$work/live.out" 2>&1 &
dashboard_pid=$!
# The API wants the run's token (printed in the page's URL) and JSON bodies (docs/dashboard.md).
state_of() { curl -fsS -H "Authorization: Bearer $token" "$base/api/state" 2>/dev/null || true; }
wait_for() { # DESCRIPTION COMMAND...: polls every 0.2 s, gives up after 60 s
  local description=$1; shift
  for _ in $(seq 300); do "$@" && return 0; sleep 0.2; done
  echo "screenshots.sh: the dashboard run never $description; its output:" >&2; cat "$work/live.out" >&2; exit 1
}
wait_for "printed its URL" grep -q '^dashboard: http' "$work/live.out"
page=$(sed -n 's/^dashboard: \(http[^ ]*\).*/\1/p' "$work/live.out" | head -1)
base=${page%%\?*}; base=${base%/}; token=${page##*token=}
reached_10s() { [[ "$(state_of)" =~ \"t\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 10 ]; }
wait_for "reached t = 10 s" reached_10s
curl -fsS -XPOST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$base/api/chaos" -d '{"kind":"loss","loss":0.3}' >/dev/null
wait_for "finished" grep -q '^dashboard: still serving' "$work/live.out"
shot docs/images/dashboard.png 1400,1091 "$page"
