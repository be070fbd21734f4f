using System.Globalization;
using Serilog;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability.Logging;

/// <summary>
/// The run's log as a kernel would write it (DESIGN.md §7 Logs): run start and end, the warnings
/// Linux prints for the same trouble (TIME_WAIT bucket overflow, SYN flooding), port exhaustion,
/// chaos windows as they open and close, and supervision failures. Everything is derived from the
/// published snapshots and the final report, never from the simulation's hot path; times are
/// virtual, so two runs of one seed log the same messages.
/// </summary>
public sealed class KernelMessages : IRunObserver
{
    /// <summary>Interval of the per-kind rate limit (net.core.message_cost, 5 s).</summary>
    public static readonly TimeSpan RateLimitInterval = TimeSpan.FromSeconds(5);

    /// <summary>The most supervision failures logged one by one.</summary>
    public const int MaxFailuresLogged = 10;

    private readonly ILogger _log;
    private readonly Scenario _scenario;
    private readonly RateLimitedWarning _timeWaitOverflow = new(RateLimitInterval);
    private readonly RateLimitedWarning _portExhausted = new(RateLimitInterval);
    private readonly ChaosProgress _chaos;
    private LiveSnapshot? _previous;

    /// <summary>Logs the start of the run of <paramref name="scenario"/>; chaos applied through <paramref name="live"/> is logged too.</summary>
    public KernelMessages(ILogger log, Scenario scenario, string shard, LiveControl? live = null)
    {
        _log = log.ForContext("Scenario", scenario.Name).ForContext("Shard", shard);
        _scenario = scenario;
        _chaos = new ChaosProgress(scenario, live);
        // The nouns are properties of their own so that "1 couple, 1 shard" reads right.
        _log.Information("Run {Scenario:l} started: seed {Seed}, profile {Profile:l}, {Couples} {CouplesNoun:l}, {Shards} {ShardsNoun:l}, {DurationSeconds} s of virtual time",
            scenario.Name, scenario.Seed, scenario.Tcp.Name, scenario.Workload.Couples, scenario.Workload.Couples == 1 ? "couple" : "couples",
            scenario.Run.Shards, scenario.Run.Shards == 1 ? "shard" : "shards", scenario.Run.Duration.TotalSeconds);
    }

    /// <summary>Logs what changed since the previous sample.</summary>
    public void OnSample(LiveSnapshot snapshot)
    {
        long overflow = snapshot.TimeWaitOverflow - (_previous?.TimeWaitOverflow ?? 0);
        if (_timeWaitOverflow.TryTell(snapshot.Now, overflow, out long count)) TimeWaitOverflow(snapshot.Now, count, snapshot.TimeWaitOverflow);
        long exhausted = snapshot.ConnectOutcomes.PortExhausted - (_previous?.ConnectOutcomes.PortExhausted ?? 0);
        if (_portExhausted.TryTell(snapshot.Now, exhausted, out count)) PortExhausted(snapshot.Now, count, snapshot.ConnectOutcomes.PortExhausted);
        foreach (ChaosTransition t in _chaos.AdvanceTo(snapshot.Now)) Chaos(t);
        _previous = snapshot;
    }

    /// <summary>Logs what only the report knows (SYN flooding, supervision failures) and the end of the run.</summary>
    public void OnCompleted(RunReport report)
    {
        var now = TimeSpan.FromSeconds(report.VirtualSeconds);
        if (_timeWaitOverflow.TakePending() is > 0 and var overflow) TimeWaitOverflow(now, overflow, report.TimeWaitOverflow);
        if (_portExhausted.TakePending() is > 0 and var exhausted) PortExhausted(now, exhausted, report.ConnectOutcomes.PortExhausted);
        foreach (ChaosTransition t in _chaos.Finish(now)) Chaos(t);

        // Linux tcp_syn_flood_action() (net/ipv4/tcp_input.c): "Possible SYN flooding on port %u.
        // Sending cookies." or "Dropping request.", once per listener.
        var hosts = report.Hosts;
        if (hosts.SyncookiesSent > 0)
            _log.Warning("TCP: request_sock_TCP: Possible SYN flooding on port {Port}. Sending cookies. ({SyncookiesSent} cookies sent, {SyncookiesRecv} valid ones received)",
                _scenario.Hosts.Servers.Port, hosts.SyncookiesSent, hosts.SyncookiesRecv);
        if (hosts.SynQueueFullDrops > 0)
            _log.Warning("TCP: request_sock_TCP: Possible SYN flooding on port {Port}. Dropping request. ({SynQueueFullDrops} SYNs dropped on a full SYN queue)",
                _scenario.Hosts.Servers.Port, hosts.SynQueueFullDrops);
        if (hosts.ListenOverflows > 0)
            _log.Warning("TCP: {ListenOverflows} times the listen queue of a socket overflowed", hosts.ListenOverflows);

        var supervision = report.Supervision;
        for (int i = 0; i < supervision.FirstFailures.Count && i < MaxFailuresLogged; i++)
            _log.Warning("Supervision: actor failed and was stopped: {Failure:l}", supervision.FirstFailures[i]);
        if (supervision.Failures > Math.Min(supervision.FirstFailures.Count, MaxFailuresLogged))
            _log.Warning("Supervision: {Failures} actor failures in all", supervision.Failures);

        var o = report.Outcomes;
        if (report.Interrupted)
            _log.Warning("Run {Scenario:l} interrupted at t={VirtualSeconds} s", report.Scenario, report.VirtualSeconds);
        // DESIGN.md §3: lag is shown, never hidden. A paced run that fell behind is still exact.
        if (report.RealTime is { MaxLagSeconds: > RealTimeLag.KeptUpSeconds } lag)
            _log.Warning("Real time: fell {LagMilliseconds} ms behind the wall clock at t={VirtualSeconds} s (time scale {TimeScale}); the result is exact, only late",
                Math.Round(lag.MaxLagSeconds * 1000, 1), lag.MaxLagAtSeconds, lag.TimeScale);
        if (!report.Invariants.Ok)
        {
            foreach (string violation in report.Invariants.Violations) _log.Error("Invariant violated: {Violation:l}", violation);
        }
        _log.Information("Run {Scenario:l} ended at t={VirtualSeconds} s: {Completed} completed, {Refused} refused, {TimedOut} timed out, {Reset} reset, {PortExhausted} port exhausted, {Aborted} aborted, {Crashed} crashed, {Open} open; {Events} events; digest {Digest:l}",
            report.Scenario, report.VirtualSeconds, o.Completed, o.Refused, o.TimedOut, o.Reset, o.PortExhausted, o.Aborted, o.Crashed, o.Open, report.Events, report.Digest);
    }

    private void TimeWaitOverflow(TimeSpan now, long count, long total) =>
        // Linux tcp_time_wait() (net/ipv4/tcp_minisocks.c) when inet_twsk_alloc() fails over tcp_max_tw_buckets.
        _log.Warning("TCP: time wait bucket table overflow ({Count} at t={VirtualSeconds} s, {Total} in all)", count, Seconds(now), total);

    private void PortExhausted(TimeSpan now, long count, long total) =>
        _log.Warning("connect: Cannot assign requested address (EADDRNOTAVAIL): no free ephemeral port for {Count} connects at t={VirtualSeconds} s, {Total} in all",
            count, Seconds(now), total);

    /// <summary>
    /// A chaos window began or ended (scheduled or through the control API): the message says
    /// what for people; the properties (Source, ChaosId, Targets, Parameters, Label, AtSeconds,
    /// UntilSeconds) say all of it for machines, in the words of the report's <c>chaos</c>.
    /// </summary>
    private void Chaos(ChaosTransition t)
    {
        ChaosWindow w = t.Window;
        ILogger log = _log.ForContext("Source", w.Source).ForContext("ChaosId", w.Id).ForContext("Targets", w.Targets)
            .ForContext("Parameters", w.Parameters).ForContext("Label", w.Label);
        if (w.IsInstant)
        {
            log.Information("Chaos: {Kind:l} at t={AtSeconds} s (instant)", w.Kind, w.At);
        }
        else if (t.Started)
        {
            string window = w.Source == ChaosWindow.Api ? "until removed"
                : (w.Parameters.ContainsKey("for") || w.Parameters.ContainsKey("restart_after")) && w.Until is { } until
                    ? $"for {Math.Round(until - w.At, 6).ToString(CultureInfo.InvariantCulture)} s"
                : "until the end of the run";
            log.Information("Chaos: {Kind:l} started at t={AtSeconds} s, {Window:l}", w.Kind, w.At, window);
        }
        else
        {
            log.ForContext("AtSeconds", w.At).Information("Chaos: {Kind:l} ended at t={UntilSeconds} s", w.Kind, w.Until);
        }
    }

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 6);
}
