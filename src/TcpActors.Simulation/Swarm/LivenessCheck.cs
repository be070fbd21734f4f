using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// What a swarm asks of every run beyond the invariants of DESIGN.md §9, once the chaos has ended
/// and the network has healed: <b>liveness</b>. Read from the report alone (its time series and
/// final counts), so <c>tcpactors run FILE</c> shows the same evidence.
/// <list type="bullet">
/// <item>Progress: at the <see cref="SwarmScenario.ProgressDeadline"/> sample no endpoint is in
/// SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, CLOSING or LAST_ACK — on a healed network each of those
/// retransmits within the profile's longest retransmission gap and is answered.</item>
/// <item>Drain: at the end no endpoint is in any transient state (those five and TIME_WAIT), and
/// the run has drained (nothing in flight, no timer pending but keepalive).</item>
/// <item>Every couple reached a final outcome: none is still open, none never started.</item>
/// </list>
/// </summary>
public static class LivenessCheck
{
    private static readonly TcpState[] s_retrying = [TcpState.SynSent, TcpState.SynReceived, TcpState.FinWait1, TcpState.Closing, TcpState.LastAck];
    private static readonly TcpState[] s_transient = [.. s_retrying, TcpState.TimeWait];

    /// <summary>Every invariant violation and liveness failure of <paramref name="report"/>; empty when the seed passes.</summary>
    public static IReadOnlyList<string> Failures(SwarmScenario swarm, RunReport report)
    {
        ArgumentNullException.ThrowIfNull(swarm);
        ArgumentNullException.ThrowIfNull(report);
        var failures = new List<string>();
        foreach (string violation in report.Invariants.Violations) failures.Add("invariant: " + violation);
        if (report.Interrupted)
        {
            failures.Add("liveness: the run was interrupted");
            return failures;
        }
        foreach (string skipped in report.Invariants.NotChecked)
            failures.Add($"liveness: {skipped} after a quiet tail of {(report.VirtualSeconds - swarm.HealedAt.TotalSeconds):0}s");

        var series = report.TimeSeries;
        int row = FirstRowAtOrAfter(series, swarm.ProgressDeadline);
        if (row < 0) failures.Add($"liveness: no sample at or after the progress deadline {swarm.ProgressDeadline.TotalSeconds:0.###}s");
        else
        {
            foreach (TcpState state in s_retrying)
            {
                long count = series.Count(row, state);
                if (count != 0)
                    failures.Add($"liveness: {count} endpoints still in {state.ToTraceName()} at t={series.TimeAt(row).TotalSeconds:0.###}s, " +
                                 $"{(series.TimeAt(row) - swarm.HealedAt).TotalSeconds:0.###}s after the network healed");
            }
        }
        foreach (TcpState state in s_transient)
        {
            if (report.StatesFinal.TryGetValue(state.ToMetricName(), out long count) && count != 0)
                failures.Add($"liveness: {count} endpoints left in {state.ToTraceName()} at the end (t={report.VirtualSeconds:0.###}s)");
        }
        if (report.Outcomes.Open != 0) failures.Add($"liveness: {report.Outcomes.Open} couples never reached a final outcome");
        if (report.Outcomes.NotStarted != 0) failures.Add($"liveness: {report.Outcomes.NotStarted} couples never started");
        if (report.Supervision.Failures != 0)
            failures.Add($"supervision: {report.Supervision.Failures} actor failures (exceptions inside actors); first: {string.Join("; ", report.Supervision.FirstFailures)}");
        return failures;
    }

    private static int FirstRowAtOrAfter(Telemetry.TimeSeries series, TimeSpan t)
    {
        for (int row = 0; row < series.Rows; row++)
        {
            if (series.TimeAt(row) >= t) return row;
        }
        return -1;
    }
}
