#!/bin/sh
# claim-shard COMMAND [ARGS...] — runs COMMAND ARGS, and when TCPACTORS_SHARDS=N is more than 1,
# first claims a shard index for this container and appends `--shard I/N`.
#
# Why: `docker-compose up --scale simulator=N` starts N identical containers and tells none of
# them its index (Kubernetes' Indexed Job does: JOB_COMPLETION_INDEX). The replicas share a
# volume at TCPACTORS_SHARD_CLAIMS; each takes the lowest index I whose directory it can create.
# mkdir(2) is atomic, so two replicas never get the same index. The compose file's
# `shard-claims-reset` service empties the directory before the replicas start.
set -eu

shards=${TCPACTORS_SHARDS:-1}
case $shards in
  '' | *[!0-9]*) echo "claim-shard: TCPACTORS_SHARDS must be a whole number, not '$shards'" >&2; exit 2 ;;
esac
if [ "$shards" -le 1 ]; then
  exec "$@"
fi

claims=${TCPACTORS_SHARD_CLAIMS:?claim-shard: set TCPACTORS_SHARD_CLAIMS to a directory the replicas share}
mkdir -p "$claims"
index=0
while [ "$index" -lt "$shards" ]; do
  if mkdir "$claims/$index" 2>/dev/null; then
    echo "claim-shard: this container runs shard $index/$shards" >&2
    exec "$@" --shard "$index/$shards"
  fi
  index=$((index + 1))
done
echo "claim-shard: all $shards shards in $claims are taken: scale to TCPACTORS_SHARDS=$shards replicas, and run 'docker-compose down' before the next 'up'" >&2
exit 2
