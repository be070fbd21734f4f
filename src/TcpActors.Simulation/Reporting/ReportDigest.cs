using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// The report's <c>digest</c>: SHA-256 over a canonical text of everything a run of the same
/// scenario, seed and shard count must reproduce — counts, histograms, the time series, the
/// invariant verdicts: the simulated world only. Engine statistics (events delivered), wall
/// time, thread count, paths and dates are left out, so
/// <c>--threads</c> never changes it; separate <c>--shard i/N</c> reports merged by
/// <see cref="ReportMerger"/> give the same digest as the in-process run.
/// </summary>
public static class ReportDigest
{
    /// <summary>The lowercase hex SHA-256 of <see cref="CanonicalText"/>.</summary>
    public static string Compute(RunReport report) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(report))));

    /// <summary>The canonical serialization the digest is taken over, one <c>key=value</c> per line.</summary>
    public static string CanonicalText(RunReport report)
    {
        var text = new StringBuilder(4096);
        void Line(string key, object value) =>
            text.Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');

        Line("scenario", report.Scenario);
        Line("seed", report.Seed);
        Line("profile", report.Profile);
        Line("shards", report.Shards);
        Line("shard_indexes", string.Join(",", report.ShardIndexes));
        Line("virtual_ticks", (long)Math.Round(report.VirtualSeconds * TimeSpan.TicksPerSecond));
        Line("couples", report.Couples);
        Line("interrupted", report.Interrupted);
        var o = report.Outcomes;
        Line("outcomes", $"{o.Completed},{o.Refused},{o.TimedOut},{o.Reset},{o.PortExhausted},{o.Aborted},{o.Crashed},{o.Open},{o.NotStarted}");
        foreach (var (state, count) in report.StatesFinal) Line("final." + state, count);
        var s = report.Segments;
        Line("segments", $"{s.Sent},{s.Delivered},{s.Dropped},{s.Duplicated},{s.Corrupted},{s.Retransmitted},{s.Reordered},{s.InFlight},{s.Unroutable}");
        var d = s.DroppedByCause;
        Line("dropped", $"{d.Loss},{d.Partition},{d.Blackhole},{d.QueueFull},{d.Targeted}");
        Line("resets", $"{report.Resets.Sent},{report.Resets.Received},{report.Resets.Injected},{report.Resets.ChallengeAcks}");
        Line("time_wait_overflow", report.TimeWaitOverflow);
        var c = report.ConnectOutcomes;
        Line("connect", $"{c.Established},{c.Refused},{c.TimedOut},{c.Reset},{c.PortExhausted}");
        var h = report.Hosts;
        Line("hosts", $"{h.PortExhausted},{h.TimeWaitRecycled},{h.ListenOverflows},{h.ListenDrops},{h.SynQueueFullDrops},{h.SyncookiesSent},{h.SyncookiesRecv},{h.NoConnection},{h.DroppedWhileDown},{h.Crashes},{h.ConnectionsLostInCrashes},{h.TimeWaitReopened}");
        Line("failures", report.Supervision.Failures);
        Line("handshake_max_ticks", (long)Math.Round(report.HandshakeSeconds.Max * TimeSpan.TicksPerSecond));
        Line("connection_max_ticks", (long)Math.Round(report.ConnectionSeconds.Max * TimeSpan.TicksPerSecond));
        foreach (var (name, q) in (ReadOnlySpan<(string, Quantiles)>)[("handshake", report.HandshakeSeconds), ("connection", report.ConnectionSeconds)])
            Line("quantiles." + name, FormattableString.Invariant($"{q.P50:R},{q.P90:R},{q.P99:R},{q.P999:R}"));
        foreach (var b in report.Histograms.Handshake) Line("hh." + b.Bucket.ToString(CultureInfo.InvariantCulture), b.Count);
        foreach (var b in report.Histograms.Connection) Line("ch." + b.Bucket.ToString(CultureInfo.InvariantCulture), b.Count);
        foreach (string v in report.Invariants.Violations) Line("violation", v);
        foreach (string v in report.Invariants.NotChecked) Line("not_checked", v);
        // Only when there are any, so the digests of runs without live changes stay as they were.
        foreach (var change in report.LiveChanges)
            Line("live", FormattableString.Invariant($"{change.At.Ticks},{change.Id},{(change.Apply ? "apply" : "remove")},{change.Chaos.Kind},{change.Chaos.Loss:R},{change.Chaos.DelayMs:R},{change.Chaos.Host}"));
        // The chaos record, likewise only when there is any: a function of the scenario, the live
        // changes and the virtual time reached, so two runs of one seed agree on it.
        foreach (ChaosWindow w in report.Chaos)
        {
            text.Append("chaos=").Append(FormattableString.Invariant($"{Ticks(w.At)},{(w.Until is { } u ? Ticks(u).ToString(CultureInfo.InvariantCulture) : "-")},{w.Source},{w.Id},{w.Kind}"));
            foreach (string target in w.Targets) text.Append(',').Append(target);
            foreach (var (key, value) in w.Parameters) text.Append(',').Append(key).Append(':').Append(value);
            text.Append('\n');
        }
        foreach (var (state, peak) in report.Peaks)
            Line("peak." + state, FormattableString.Invariant($"{peak.Count},{(long)Math.Round(peak.At * TimeSpan.TicksPerSecond)}"));
        // Every row with its interval bounds (DESIGN.md §7), hashed as the rows came, so that a
        // series streamed to timeseries.csv and never held whole is covered all the same.
        Line("series", FormattableString.Invariant($"{report.TimeSeries.Samples},{report.TimeSeries.RowsSha256}"));
        return text.ToString();
    }

    private static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
}
