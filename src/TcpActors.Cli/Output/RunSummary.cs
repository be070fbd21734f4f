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

    /// <summary>
    /// Why couples had no outcome when the run ended, in a sentence: where their endpoints were
    /// and which timer holds them (TIME_WAIT is 60 s on linux but 240 s in RFC 9293), and the
    /// --duration that lets them finish. Null when every couple finished. Printed on a line of its
    /// own below the table, unwrapped. <paramref name="profile"/>: the run's TCP profile with the
    /// scenario's overrides; null (a merge) takes the built-in profile the report names.
    /// </summary>
    public static string? StillOpen(RunReport report, TcpProfile? profile = null)
    {
        profile ??= TcpProfile.TryGet(report.Profile, out var named) ? named : null;
        var o = report.Outcomes;
        if (o.Open == 0 && o.NotStarted == 0) return null;
        var c = CultureInfo.InvariantCulture;
        string end = string.Create(c, $"t = {report.VirtualSeconds:0.###} s");
        var parts = new List<string>();
        double longestWait = 0; // the longest timer still to run for any open endpoint, in seconds
        bool unbounded = false; // held until the application acts, or by retransmissions whose total is not known here
        if (o.Open > 0)
        {
            var states = new List<string>();
            foreach (TcpState state in TcpStateNames.All)
            {
                if (state is TcpState.Closed or TcpState.Listen) continue;
                if (!report.StatesFinal.TryGetValue(state.ToMetricName(), out long n) || n == 0) continue;
                var (why, seconds) = Holder(state, profile);
                if (seconds is { } s) longestWait = Math.Max(longestWait, s);
                else unbounded = true;
                states.Add($"{Counted.Of(n, "endpoint")} in {state.ToTraceName()} ({why})");
            }
            parts.Add($"{Counted.Of(o.Open, "couple")} still open at {end}" + (states.Count > 0 ? ": " + string.Join(", ", states) : ""));
        }
        if (o.NotStarted > 0)
            parts.Add($"{Counted.Of(o.NotStarted, "couple")} not started: the workload had not reached {(o.NotStarted == 1 ? "it" : "them")} by {end}");
        string advice = longestWait > 0 && !unbounded && o.NotStarted == 0
            ? $"run with --duration {Math.Ceiling((report.VirtualSeconds + longestWait) / 10) * 10:0}s to see them finish"
            : "a longer --duration lets them finish";
        return string.Join("; ", parts) + " — " + advice;
    }

    /// <summary>What keeps an endpoint in <paramref name="state"/>, and for how long at most (null: not known here).</summary>
    private static (string Why, double? Seconds) Holder(TcpState state, TcpProfile? p)
    {
        string name = p?.Name ?? "the profile";
        return state switch
        {
            TcpState.TimeWait when p is not null => ($"{name} holds TIME_WAIT {Secs(p.TimeWait)}", p.TimeWait.TotalSeconds),
            TcpState.FinWait2 when p?.FinTimeout is { } fin => ($"waiting for the peer's FIN; {name} drops an orphan after {Secs(fin)}", fin.TotalSeconds),
            TcpState.FinWait2 => ("waiting for the peer's FIN", null),
            TcpState.Established => ("the application has not closed yet", null),
            TcpState.CloseWait => ("the peer closed; the application has not yet", null),
            _ when p is not null => ($"retransmitting, each wait up to {Secs(p.MaxRto)}", null),
            _ => ("retransmitting", null),
        };

        static string Secs(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");
    }

    private static void Add(Table t, string name, string value, bool escape = true) =>
        t.AddRow(new Markup(Markup.Escape(name)), new Markup(escape ? Markup.Escape(value) : value));
}
