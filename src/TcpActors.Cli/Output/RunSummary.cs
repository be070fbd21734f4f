using System.Globalization;
using Spectre.Console;
using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Cli.Output;

/// <summary>
/// The table printed at the end of a run (and of a merge): what was run, how it ended, the peaks of
/// the interesting states, what the network did, and whether the invariants held.
/// </summary>
internal static class RunSummary
{
    /// <summary>The summary of <paramref name="report"/> (the digest is printed below it, on a line of its own, to copy).</summary>
    public static Table Render(RunReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var t = new Table().Border(TableBorder.Rounded)
            .Title(report.Interrupted ? "[bold yellow]run interrupted[/]" : "[bold]run summary[/]");
        t.AddColumn("");
        t.AddColumn("");
        t.HideHeaders();

        string shards = report.Shards == 1 ? "1" : report.ShardIndexes.Count == report.Shards
            ? report.Shards.ToString(c)
            : $"{string.Join(",", report.ShardIndexes)} of {report.Shards}";
        Add(t, "scenario", $"{report.Scenario} (seed {report.Seed}, profile {report.Profile})");
        Add(t, "shards / threads", $"{shards} / {report.Threads}");
        double rate = report.WallSeconds > 0 ? report.Events / report.WallSeconds : 0;
        Add(t, "time", string.Create(c, $"{report.VirtualSeconds:0.###} s virtual in {report.WallSeconds:0.###} s wall"));
        Add(t, "events", string.Create(c, $"{report.Events:N0} ({rate:N0}/s)"));
        if (report.RealTime is { } paced)
        {
            // Lag under about 100 ms is within what a dashboard refreshing once a second can show;
            // beyond it the machine could not keep up at this scale (the result is still exact).
            string lag = string.Create(c, $"×{paced.TimeScale:0.###}, worst lag {paced.MaxLagSeconds * 1000:0.#} ms at t={paced.MaxLagAtSeconds:0.###} s");
            bool behind = paced.MaxLagSeconds > RealTimeLag.KeptUpSeconds;
            Add(t, "real time", behind ? $"[yellow]{Markup.Escape(lag)}: fell behind the wall clock[/]" : Markup.Escape(lag), escape: false);
        }
        var o = report.Outcomes;
        Add(t, "couples", string.Create(c,
            $"{report.Couples:N0}: completed {o.Completed:N0}, refused {o.Refused:N0}, timed_out {o.TimedOut:N0}, reset {o.Reset:N0}, port_exhausted {o.PortExhausted:N0}, aborted {o.Aborted:N0}, crashed {o.Crashed:N0}, open {o.Open:N0}, not_started {o.NotStarted:N0}"));
        foreach (TcpState state in (ReadOnlySpan<TcpState>)[TcpState.Established, TcpState.FinWait2, TcpState.CloseWait, TcpState.LastAck, TcpState.TimeWait])
        {
            string name = state.ToMetricName();
            if (report.Peaks.TryGetValue(name, out var peak) && peak.Count > 0)
                Add(t, $"peak {name}", string.Create(c, $"{peak.Count:N0} at {peak.At:0.###} s"));
        }
        var s = report.Segments;
        Add(t, "segments", string.Create(c,
            $"sent {s.Sent:N0}, delivered {s.Delivered:N0}, dropped {s.Dropped:N0}, retransmitted {s.Retransmitted:N0}, duplicated {s.Duplicated:N0}, corrupted {s.Corrupted:N0}"));
        Add(t, "resets", string.Create(c, $"sent {report.Resets.Sent:N0}, received {report.Resets.Received:N0}"));
        Add(t, "time_wait overflow", report.TimeWaitOverflow.ToString("N0", c));
        var h = report.HandshakeSeconds;
        Add(t, "handshake", Durations(h, c));
        Add(t, "connection", Durations(report.ConnectionSeconds, c));
        Add(t, "invariants", report.Invariants.Ok
            ? "[green]ok[/]" + (report.Invariants.NotChecked.Count > 0 ? Markup.Escape($" (not checked: {string.Join(", ", report.Invariants.NotChecked)})") : "")
            : $"[red]{report.Invariants.Violations.Count} violated[/]", escape: false);
        return t;
    }

    /// <summary>Quantiles to 3 significant digits, as HdrHistogram keeps them (DESIGN.md §7).</summary>
    private static string Durations(Quantiles q, IFormatProvider c) => q.Count == 0 ? "none" : string.Create(c,
        $"p50 {Ms(q.P50)}, p90 {Ms(q.P90)}, p99 {Ms(q.P99)}, p99.9 {Ms(q.P999)}, max {Ms(q.Max)}");

    private static string Ms(double seconds) =>
        seconds >= 1 ? (seconds).ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + " s"
        : (seconds * 1000).ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    private static void Add(Table t, string name, string value, bool escape = true) =>
        t.AddRow(new Markup(Markup.Escape(name)), new Markup(escape ? Markup.Escape(value) : value));
}
