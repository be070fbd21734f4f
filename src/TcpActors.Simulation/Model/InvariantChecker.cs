using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>
/// The invariants of DESIGN.md §9 that one shard can judge, from what the model counted as it
/// went (never by walking endpoints, which an engine may hold anywhere): every couple ends in
/// exactly one outcome; the per-state counts always sum to the live endpoints; no endpoint is left
/// in a transient state once the run has drained; SND.UNA never passes SND.NXT. The segment
/// balance (every segment sent is delivered, dropped, corrupted, unroutable or still in flight)
/// is judged over the whole run (<see cref="ReportMerger"/>): a segment may be sent in one shard
/// and arrive in another.
/// </summary>
internal static class InvariantChecker
{
    private static readonly TcpState[] s_transient =
        [TcpState.SynSent, TcpState.SynReceived, TcpState.FinWait1, TcpState.Closing, TcpState.LastAck, TcpState.TimeWait];

    public static InvariantResult Check(ShardTelemetry t, CoupleLedger ledger, OutcomeCounts outcomes, long sumMismatches, string? firstSumMismatch, bool interrupted)
    {
        var violations = new List<string>();
        var notChecked = new List<string>();
        if (ledger.DoubleOutcomes != 0) violations.Add($"{ledger.DoubleOutcomes} couples were given a second outcome");
        if (outcomes.Open < 0) violations.Add($"{-outcomes.Open} more outcomes than opened couples");
        if (sumMismatches != 0) violations.Add($"per-state counts did not sum to the live endpoints at {sumMismatches} samples; first {firstSumMismatch}");
        if (t.SequenceViolations != 0) violations.Add($"{t.SequenceViolations} times SND.UNA was beyond SND.NXT; first {t.FirstSequenceViolation}");

        const string drainedCheck = "no endpoint in a transient state once drained";
        if (interrupted) notChecked.Add(drainedCheck + " (interrupted)");
        else if (t[RunCounter.InFlight] != 0 || t[RunCounter.PendingTimers] != 0) notChecked.Add(drainedCheck + " (the run had not drained)");
        else
        {
            foreach (TcpState state in s_transient)
            {
                long left = t.States[(int)state];
                if (left != 0) violations.Add($"{left} endpoints left in {state.ToTraceName()} with nothing left to happen");
            }
        }
        return new InvariantResult { Violations = violations, NotChecked = notChecked };
    }
}
