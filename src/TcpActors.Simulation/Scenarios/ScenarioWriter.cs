using System.Globalization;
using System.Text;
using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// Writes a <see cref="Scenario"/> as schema-v1 YAML that <see cref="ScenarioLoader"/> reads back
/// to an equal scenario (generated "swarm" scenarios are saved this way). Every section is written
/// in full, so the file also documents the defaults it ran with — except <c>tcp:</c>, which lists
/// only the knobs that differ from the named profile.
/// </summary>
public static class ScenarioWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The scenario as YAML text.</summary>
    public static string Write(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var w = new StringBuilder();
        w.Append("name: ").AppendLine(Quote(scenario.Name));
        if (scenario.Description.Length > 0) w.Append("description: ").AppendLine(Quote(scenario.Description));
        w.Append("seed: ").AppendLine(scenario.Seed.ToString(Invariant));
        var baseProfile = TcpProfile.TryGet(scenario.Tcp.Name, out var named) ? named : TcpProfile.Linux;
        w.Append("profile: ").AppendLine(baseProfile.Name);
        var tcp = TcpKnobs(scenario.Tcp, baseProfile);
        if (tcp.Count > 0)
        {
            w.AppendLine("tcp:");
            foreach (var (key, value) in tcp) w.Append("  ").Append(key).Append(": ").AppendLine(value);
        }

        var hosts = scenario.Hosts;
        w.AppendLine("hosts:");
        var clients = new List<string> { "count: " + hosts.Clients.Count.ToString(Invariant) };
        if (hosts.Clients.PortRange is { } pr) clients.Add($"port_range: [{pr.Min}, {pr.Max}]");
        w.Append("  clients: ").AppendLine(Inline(clients));
        var servers = new List<string> { "count: " + hosts.Servers.Count.ToString(Invariant), "port: " + hosts.Servers.Port.ToString(Invariant) };
        if (hosts.Servers.Backlog is { } b) servers.Add("backlog: " + b.ToString(Invariant));
        w.Append("  servers: ").AppendLine(Inline(servers));

        w.AppendLine("network:");
        foreach (var item in ImpairmentKeys(FullOverride(scenario.Network.Baseline))) w.Append("  ").AppendLine(item);
        if (scenario.Network.Links.Count > 0)
        {
            w.AppendLine("  links:");
            foreach (var link in scenario.Network.Links)
            {
                var items = new List<string> { "between: " + link.Between };
                if (link.Direction != DirectionSelector.Both) items.Add("direction: " + link.Direction.ToName());
                items.AddRange(ImpairmentKeys(link.Impairments));
                w.Append("    - ").AppendLine(Inline(items));
            }
        }

        WriteWorkload(w, scenario.Workload);

        if (scenario.Chaos.Count > 0)
        {
            w.AppendLine("chaos:");
            foreach (var e in scenario.Chaos) w.Append("  - ").AppendLine(Inline(ChaosItems(e)));
        }

        var run = scenario.Run;
        w.Append("run: ").AppendLine(Inline([
            "duration: " + UnitSyntax.FormatDuration(run.Duration),
            "sample_every: " + UnitSyntax.FormatDuration(run.SampleEvery),
            "shards: " + run.Shards.ToString(Invariant),
        ]));
        return w.ToString();
    }

    /// <summary>Writes the scenario to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public static void WriteFile(Scenario scenario, string path)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, Write(scenario), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteWorkload(StringBuilder w, WorkloadSpec wl)
    {
        w.AppendLine("workload:");
        w.Append("  couples: ").AppendLine(wl.Couples.ToString(Invariant));
        if (wl.Open is { } open)
        {
            var items = new List<string> { "at: " + UnitSyntax.FormatDuration(open.At) };
            if (open.RatePerSecond is { } rate) items.Add("rate: " + UnitSyntax.FormatRate(rate));
            else items.Add("over: " + UnitSyntax.FormatDuration(open.Over));
            w.Append("  open: ").AppendLine(Inline(items));
        }
        if (wl.Exchange is { } ex)
            w.Append("  exchange: ").AppendLine(Inline(["request: " + UnitSyntax.FormatSize(ex.RequestBytes), "response: " + UnitSyntax.FormatSize(ex.ResponseBytes)]));
        if (wl.Close is { } c)
        {
            w.Append("  close: ").AppendLine(Inline([
                "at: " + UnitSyntax.FormatDuration(c.At), "over: " + UnitSyntax.FormatDuration(c.Over), "by: " + Name(ScenarioReader.CloseByNames, c.By),
                "abort: " + Number(c.Abort), "passive_delay: " + UnitSyntax.FormatDuration(c.PassiveDelay), "leak: " + Number(c.Leak),
            ]));
        }
        if (wl.Churn is { } ch)
            w.Append("  churn: ").AppendLine(Inline(["rate: " + UnitSyntax.FormatRate(ch.RatePerSecond), "lifetime: " + UnitSyntax.FormatDuration(ch.Lifetime), "by: " + Name(ScenarioReader.CloseByNames, ch.By)]));
        if (wl.Idle is { } idle)
            w.Append("  idle: ").AppendLine(Inline(["fraction: " + Number(idle.Fraction), "keepalive: " + Bool(idle.Keepalive)]));
        if (wl.SynFlood is { } f)
        {
            var items = new List<string> { "at: " + UnitSyntax.FormatDuration(f.At) };
            if (f.For is { } span) items.Add("for: " + UnitSyntax.FormatDuration(span));
            items.Add("rate: " + UnitSyntax.FormatRate(f.RatePerSecond));
            items.Add("target: " + f.Target);
            w.Append("  syn_flood: ").AppendLine(Inline(items));
        }
    }

    private static List<string> ChaosItems(ChaosEvent e)
    {
        var items = new List<string> { "at: " + UnitSyntax.FormatDuration(e.At) };
        if (e.For is { } span) items.Add("for: " + UnitSyntax.FormatDuration(span));
        bool betweenInside = e.Kind == ChaosKind.Partition;
        bool directionInside = e.Kind == ChaosKind.Drop;
        if (!betweenInside && e.Between != HostPair.ClientsAndServers) items.Add("between: " + e.Between);
        if (!directionInside && e.Direction != DirectionSelector.Both) items.Add("direction: " + e.Direction.ToName());
        switch (e.Kind)
        {
            case ChaosKind.Impair:
                items.AddRange(ImpairmentKeys(e.Impairments));
                break;
            case ChaosKind.Partition:
                items.Add("partition: " + Inline(["between: " + e.Between, "one_way: " + Bool(e.OneWay)]));
                break;
            case ChaosKind.Blackhole:
                items.Add("blackhole: true");
                break;
            case ChaosKind.Clog:
                items.Add("clog: true");
                break;
            case ChaosKind.Crash:
                items.Add("crash: " + e.Crash);
                if (e.RestartAfter is { } r) items.Add("restart_after: " + UnitSyntax.FormatDuration(r));
                break;
            case ChaosKind.Drop:
                var flags = new List<string>();
                foreach (var (name, flag) in ScenarioReader.FlagNames) if ((e.DropFlags & flag) != 0) flags.Add(name);
                items.Add("drop: " + Inline([$"flags: [{string.Join(", ", flags)}]", "direction: " + e.Direction.ToName(), "count: " + e.DropCount.ToString(Invariant)]));
                break;
            case ChaosKind.Rst:
                items.Add("rst: " + Inline(["fraction: " + Number(e.RstFraction), "sequence: " + Name(ScenarioReader.RstSequenceNames, e.RstSequence)]));
                break;
        }
        return items;
    }

    private static ImpairmentOverride FullOverride(Impairments i) => new()
    {
        Delay = i.Delay, Jitter = i.Jitter, JitterDistribution = i.JitterDistribution, DelayCorrelation = i.DelayCorrelation,
        Loss = i.Loss, Duplicate = i.Duplicate, Reorder = i.Reorder, Corrupt = i.Corrupt, Rate = i.Rate,
    };

    private static List<string> ImpairmentKeys(ImpairmentOverride o)
    {
        var items = new List<string>();
        foreach (var (key, value) in ImpairmentPairs(o)) items.Add(key + ": " + value);
        return items;
    }

    /// <summary>The impairment keys <paramref name="o"/> sets and their values, in the scenario's spelling and key order.</summary>
    internal static List<(string Key, string Value)> ImpairmentPairs(ImpairmentOverride o)
    {
        var items = new List<(string, string)>();
        if (o.Delay is { } d) items.Add(("delay", UnitSyntax.FormatDuration(d)));
        if (o.Jitter is { } j) items.Add(("jitter", UnitSyntax.FormatDuration(j)));
        if (o.JitterDistribution is { } jd) items.Add(("jitter_distribution", Name(ScenarioReader.JitterNames, jd)));
        if (o.DelayCorrelation is { } dc) items.Add(("delay_correlation", Number(dc)));
        if (o.Loss is { } loss) items.Add(("loss", Loss(loss)));
        if (o.Duplicate is { } du) items.Add(("duplicate", Number(du)));
        if (o.Reorder is { } re) items.Add(("reorder", Number(re)));
        if (o.Corrupt is { } co) items.Add(("corrupt", Number(co)));
        if (o.Rate is { } rate)
        {
            string limit = rate.PacketsPerSecond > 0 ? UnitSyntax.FormatRate(rate.PacketsPerSecond) : UnitSyntax.FormatByteRate(rate.BytesPerSecond);
            items.Add(("rate", Inline(["limit: " + limit, "queue: " + rate.QueueLimit.ToString(Invariant)])));
        }
        return items;
    }

    private static string Loss(LossSpec loss) => loss.Kind switch
    {
        LossKind.None => "0",
        LossKind.Bernoulli when loss.Correlation == 0 => Number(loss.Probability),
        LossKind.Bernoulli => Inline(["model: bernoulli", "p: " + Number(loss.Probability), "correlation: " + Number(loss.Correlation)]),
        _ => Inline(["model: gilbert_elliott", "p: " + Number(loss.P), "r: " + Number(loss.R), "1-h: " + Number(loss.OneMinusH), "1-k: " + Number(loss.OneMinusK)]),
    };

    private static List<(string Key, string Value)> TcpKnobs(TcpProfile t, TcpProfile b)
    {
        var k = new List<(string, string)>();
        static string D(TimeSpan v) => UnitSyntax.FormatDuration(v);
        static string Opt(TimeSpan? v) => v is { } x ? UnitSyntax.FormatDuration(x) : "none";
        static string I(int v) => v.ToString(Invariant);
        if (t.TimeWait != b.TimeWait) k.Add(("time_wait", D(t.TimeWait)));
        if (t.FinTimeout != b.FinTimeout) k.Add(("fin_timeout", Opt(t.FinTimeout)));
        if (t.InitialRto != b.InitialRto) k.Add(("initial_rto", D(t.InitialRto)));
        if (t.MinRto != b.MinRto) k.Add(("min_rto", D(t.MinRto)));
        if (t.MaxRto != b.MaxRto) k.Add(("max_rto", D(t.MaxRto)));
        if (t.SynRetries != b.SynRetries) k.Add(("syn_retries", I(t.SynRetries)));
        if (t.SynLinearTimeouts != b.SynLinearTimeouts) k.Add(("syn_linear_timeouts", I(t.SynLinearTimeouts)));
        if (t.ConnectTimeout != b.ConnectTimeout) k.Add(("connect_timeout", Opt(t.ConnectTimeout)));
        if (t.SynAckRetries != b.SynAckRetries) k.Add(("synack_retries", I(t.SynAckRetries)));
        if (t.DataRetries != b.DataRetries) k.Add(("data_retries", I(t.DataRetries)));
        if (t.DelayedAck != b.DelayedAck) k.Add(("delayed_ack", D(t.DelayedAck)));
        var ka = new List<string>();
        if (t.KeepaliveEnabled != b.KeepaliveEnabled) ka.Add("enabled: " + Bool(t.KeepaliveEnabled));
        if (t.KeepaliveIdle != b.KeepaliveIdle) ka.Add("idle: " + D(t.KeepaliveIdle));
        if (t.KeepaliveInterval != b.KeepaliveInterval) ka.Add("interval: " + D(t.KeepaliveInterval));
        if (t.KeepaliveProbes != b.KeepaliveProbes) ka.Add("probes: " + I(t.KeepaliveProbes));
        if (ka.Count > 0) k.Add(("keepalive", Inline(ka)));
        if (t.Rfc1337 != b.Rfc1337) k.Add(("rfc1337", Bool(t.Rfc1337)));
        if (t.TwReuse != b.TwReuse) k.Add(("tw_reuse", I(t.TwReuse)));
        if (t.MaxTwBuckets != b.MaxTwBuckets) k.Add(("max_tw_buckets", t.MaxTwBuckets == int.MaxValue ? "unlimited" : I(t.MaxTwBuckets)));
        if (t.EphemeralPortMin != b.EphemeralPortMin || t.EphemeralPortMax != b.EphemeralPortMax)
            k.Add(("port_range", $"[{t.EphemeralPortMin}, {t.EphemeralPortMax}]"));
        if (t.SynBacklog != b.SynBacklog) k.Add(("syn_backlog", I(t.SynBacklog)));
        if (t.AcceptBacklog != b.AcceptBacklog) k.Add(("accept_backlog", I(t.AcceptBacklog)));
        if (t.Syncookies != b.Syncookies) k.Add(("syncookies", Bool(t.Syncookies)));
        if (t.AbortOnOverflow != b.AbortOnOverflow) k.Add(("abort_on_overflow", Bool(t.AbortOnOverflow)));
        if (t.Mss != b.Mss) k.Add(("mss", I(t.Mss)));
        if (t.ReceiveWindow != b.ReceiveWindow) k.Add(("receive_window", I(t.ReceiveWindow)));
        return k;
    }

    internal static string Name<T>((string Name, T Value)[] names, T value)
    {
        foreach (var (name, v) in names) if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        throw new ArgumentOutOfRangeException(nameof(value), value, "no scenario spelling");
    }

    private static string Inline(List<string> items) => "{ " + string.Join(", ", items) + " }";
    private static string Number(double value) => UnitSyntax.FormatNumber(value);
    private static string Bool(bool value) => value ? "true" : "false";

    private static string Quote(string text)
    {
        var q = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': q.Append("\\\""); break;
                case '\\': q.Append("\\\\"); break;
                case '\n': q.Append("\\n"); break;
                case '\t': q.Append("\\t"); break;
                case '\r': q.Append("\\r"); break;
                default:
                    if (char.IsControl(c)) q.Append("\\u").Append(((int)c).ToString("x4", Invariant));
                    else q.Append(c);
                    break;
            }
        }
        return q.Append('"').ToString();
    }
}
