using System.Globalization;
using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// Turns one YAML document into a <see cref="Scenario"/>, collecting positioned errors. Checks
/// that need the whole file (host selectors against host counts, chaos windows against the run's
/// duration, shards against clients) are recorded while reading and run at the end.
/// </summary>
/// <remarks>
/// The reader is split by what it reads: this file holds the document's sections and the
/// whole-file checks; ScenarioReader.Chaos.cs the chaos events; ScenarioReader.Keys.cs a mapping's
/// keys (unknown, missing, empty); ScenarioReader.Values.cs one value each (durations, sizes,
/// probabilities, rates, ports, host selectors, names from a list); ScenarioReader.Suggestions.cs
/// the "did you mean" hints.
/// </remarks>
internal sealed partial class ScenarioReader
{
    private readonly string _file;
    private readonly List<ScenarioError> _errors = [];
    private readonly List<(HostSelector Selector, YamlNode Node, string Path)> _selectors = [];
    private readonly List<(TimeSpan At, TimeSpan? End, YamlNode Node, string Path)> _windows = [];

    // Where whole-file errors point: the node that can be fixed, or the nearest enclosing one.
    private YamlNode? _runNode, _rootNode, _clientsCountNode, _shardsNode;

    public ScenarioReader(string file) => _file = file;

    public ScenarioLoadResult Read(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(1, 1, "the file is empty; a scenario needs at least 'name' and 'workload'");
            return Result(null);
        }
        var root = YamlTreeReader.Read(text, Error);
        if (root is null)
        {
            if (_errors.Count == 0) Error(1, 1, "the file holds no YAML document");
            return Result(null);
        }
        if (root is YamlScalar { IsNull: true } || root is YamlScalar { Value: "" })
        {
            Error(root.Line, root.Column, "the file is empty; a scenario needs at least 'name' and 'workload'");
            return Result(null);
        }
        if (root is not YamlMapping rootMap)
        {
            Error(root.Line, root.Column, $"a scenario must be a mapping of keys (name, workload, ...); got {root.KindName}");
            return Result(null);
        }
        var scenario = ReadScenario(rootMap);
        Validate(scenario);
        return Result(scenario);
    }

    private ScenarioLoadResult Result(Scenario? scenario) =>
        _errors.Count == 0 ? new(scenario, []) : new(null, _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());

    private void Error(int line, int column, string message) => _errors.Add(new ScenarioError(_file, line, column, message));
    private void Error(YamlNode node, string message) => Error(node.Line, node.Column, message);

    // ---- sections ------------------------------------------------------------------------

    private Scenario ReadScenario(YamlMapping map)
    {
        var f = Fields(map, "the scenario", ScenarioKeys.Root);
        string name = "";
        if (Required(f, "name") is { } nameNode && String(nameNode, "name") is { } n)
        {
            if (n.Length == 0 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                Error(nameNode, $"name must be a non-empty word of letters, digits, '-', '_' or '.'; got '{n}'");
            name = n;
        }
        string description = f.Get("description") is { } d ? String(d, "description") ?? "" : "";
        ulong seed = 1;
        if (f.Get("seed") is { } seedNode)
        {
            if (Scalar(seedNode, "seed", "a whole number from 0 to 18446744073709551615") is { } s)
            {
                if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    Error(seedNode, $"seed must be a whole number from 0 to 18446744073709551615; got '{s}'");
            }
        }
        var profile = TcpProfile.Linux;
        if (f.Get("profile") is { } profileNode && String(profileNode, "profile") is { } p)
        {
            if (!TcpProfile.TryGet(p, out profile))
                Error(profileNode, $"unknown profile '{p}'{Suggest(p, ProfileNames)} (expected one of: {string.Join(", ", ProfileNames)})");
        }
        var tcp = f.Get("tcp") is { } tcpNode ? ReadTcp(tcpNode, profile) : profile;
        var hosts = f.Get("hosts") is { } h ? ReadHosts(h) : new HostsSpec();
        var network = f.Get("network") is { } net ? ReadNetwork(net) : new NetworkSpec();
        var workload = Required(f, "workload") is { } w ? ReadWorkload(w) : new WorkloadSpec();
        var chaos = f.Get("chaos") is { } c ? ReadChaos(c) : ValueList<ChaosEvent>.Empty;
        var run = f.Get("run") is { } r ? ReadRun(r) : new RunSpec();
        _runNode = f.Get("run") ?? map;
        _rootNode = map;
        return new Scenario
        {
            Name = name, Description = description, Seed = seed, Tcp = tcp, Hosts = hosts,
            Network = network, Workload = workload, Chaos = chaos, Run = run,
        };
    }

    private static readonly string[] ProfileNames = [.. TcpProfile.BuiltIn.Select(p => p.Name)];

    private TcpProfile ReadTcp(YamlNode node, TcpProfile profile)
    {
        if (Map(node, "tcp") is not { } map) return profile;
        var f = Fields(map, "tcp", ScenarioKeys.Tcp);
        var t = profile;
        if (f.Get("time_wait") is { } n1) t = t with { TimeWait = Duration(n1, "tcp.time_wait", positive: true) };
        if (f.Get("fin_timeout") is { } n2) t = t with { FinTimeout = OptionalDuration(n2, "tcp.fin_timeout") };
        if (f.Get("initial_rto") is { } n3) t = t with { InitialRto = Duration(n3, "tcp.initial_rto", positive: true) };
        if (f.Get("min_rto") is { } n4) t = t with { MinRto = Duration(n4, "tcp.min_rto", positive: true) };
        if (f.Get("max_rto") is { } n5) t = t with { MaxRto = Duration(n5, "tcp.max_rto", positive: true) };
        if (f.Get("syn_retries") is { } n6) t = t with { SynRetries = Int(n6, "tcp.syn_retries", 0, 127) };
        if (f.Get("syn_linear_timeouts") is { } n7) t = t with { SynLinearTimeouts = Int(n7, "tcp.syn_linear_timeouts", 0, 127) };
        if (f.Get("connect_timeout") is { } n8) t = t with { ConnectTimeout = OptionalDuration(n8, "tcp.connect_timeout") };
        if (f.Get("synack_retries") is { } n9) t = t with { SynAckRetries = Int(n9, "tcp.synack_retries", 0, 255) };
        if (f.Get("data_retries") is { } n10) t = t with { DataRetries = Int(n10, "tcp.data_retries", 0, 255) };
        if (f.Get("delayed_ack") is { } n11) t = t with { DelayedAck = Duration(n11, "tcp.delayed_ack") };
        if (f.Get("keepalive") is { } ka && Map(ka, "tcp.keepalive") is { } kaMap)
        {
            var k = Fields(kaMap, "tcp.keepalive", ScenarioKeys.Keepalive);
            if (k.Get("enabled") is { } e) t = t with { KeepaliveEnabled = Bool(e, "tcp.keepalive.enabled") };
            if (k.Get("idle") is { } i) t = t with { KeepaliveIdle = Duration(i, "tcp.keepalive.idle", positive: true) };
            if (k.Get("interval") is { } iv) t = t with { KeepaliveInterval = Duration(iv, "tcp.keepalive.interval", positive: true) };
            if (k.Get("probes") is { } pr) t = t with { KeepaliveProbes = Int(pr, "tcp.keepalive.probes", 1, 127) };
        }
        if (f.Get("rfc1337") is { } n12) t = t with { Rfc1337 = Bool(n12, "tcp.rfc1337") };
        if (f.Get("tw_reuse") is { } n13) t = t with { TwReuse = Int(n13, "tcp.tw_reuse", 0, 2) };
        if (f.Get("max_tw_buckets") is { } n14)
        {
            t = t with
            {
                MaxTwBuckets = n14 is YamlScalar { Quoted: false, Value: "unlimited" } ? int.MaxValue : Int(n14, "tcp.max_tw_buckets", 0, int.MaxValue),
            };
        }
        if (f.Get("port_range") is { } n15 && Ports(n15, "tcp.port_range") is { } range)
            t = t with { EphemeralPortMin = range.Min, EphemeralPortMax = range.Max };
        if (f.Get("syn_backlog") is { } n16) t = t with { SynBacklog = Int(n16, "tcp.syn_backlog", 1, int.MaxValue) };
        var accept = f.Get("accept_backlog");
        if (f.Get("backlog") is { } alias)
        {
            if (accept is not null) Error(alias, "give either tcp.accept_backlog or its synonym tcp.backlog, not both");
            accept ??= alias;
        }
        if (accept is not null) t = t with { AcceptBacklog = Int(accept, "tcp.accept_backlog", 1, int.MaxValue) };
        if (f.Get("syncookies") is { } n17) t = t with { Syncookies = Bool(n17, "tcp.syncookies") };
        if (f.Get("abort_on_overflow") is { } n18) t = t with { AbortOnOverflow = Bool(n18, "tcp.abort_on_overflow") };
        // RFC 9293 §3.7.1: the MSS of IPv4 is at least 536 (576-byte datagrams); 65495 fills a 64 KB datagram.
        if (f.Get("mss") is { } n19) t = t with { Mss = Int(n19, "tcp.mss", 536, 65495) };
        if (f.Get("receive_window") is { } n20) t = t with { ReceiveWindow = (ushort)Int(n20, "tcp.receive_window", 1, 65535) };

        if (t.MinRto > t.MaxRto) Error(map, $"tcp.min_rto ({UnitSyntax.FormatDuration(t.MinRto)}) must not exceed tcp.max_rto ({UnitSyntax.FormatDuration(t.MaxRto)})");
        else if (t.InitialRto < t.MinRto || t.InitialRto > t.MaxRto)
            Error(map, $"tcp.initial_rto ({UnitSyntax.FormatDuration(t.InitialRto)}) must lie between min_rto ({UnitSyntax.FormatDuration(t.MinRto)}) and max_rto ({UnitSyntax.FormatDuration(t.MaxRto)})");
        return t;
    }

    private HostsSpec ReadHosts(YamlNode node)
    {
        if (Map(node, "hosts") is not { } map) return new HostsSpec();
        var f = Fields(map, "hosts", ScenarioKeys.Hosts);
        var clients = new ClientHosts();
        if (f.Get("clients") is { } c && Map(c, "hosts.clients") is { } cm)
        {
            var cf = Fields(cm, "hosts.clients", ScenarioKeys.Clients);
            if (cf.Get("count") is { } count)
            {
                clients = clients with { Count = Int(count, "hosts.clients.count", 1, 1 << 24) };
                _clientsCountNode = count;
            }
            if (cf.Get("port_range") is { } pr) clients = clients with { PortRange = Ports(pr, "hosts.clients.port_range") };
        }
        var servers = new ServerHosts();
        if (f.Get("servers") is { } s && Map(s, "hosts.servers") is { } sm)
        {
            var sf = Fields(sm, "hosts.servers", ScenarioKeys.Servers);
            if (sf.Get("count") is { } count) servers = servers with { Count = Int(count, "hosts.servers.count", 1, 1 << 16) };
            if (sf.Get("port") is { } port) servers = servers with { Port = (ushort)Int(port, "hosts.servers.port", 1, 65535) };
            if (sf.Get("backlog") is { } backlog) servers = servers with { Backlog = Int(backlog, "hosts.servers.backlog", 1, int.MaxValue) };
        }
        return new HostsSpec { Clients = clients, Servers = servers };
    }

    private NetworkSpec ReadNetwork(YamlNode node)
    {
        if (Map(node, "network") is not { } map) return new NetworkSpec();
        var f = Fields(map, "network", ScenarioKeys.Network);
        var baseline = ReadImpairments(f, "network").ApplyTo(Impairments.None);
        var links = new List<LinkRule>();
        if (f.Get("links") is { } linksNode && Seq(linksNode, "network.links") is { } seq)
        {
            for (int i = 0; i < seq.Items.Count; i++)
            {
                string path = $"network.links[{i}]";
                if (Map(seq.Items[i], path) is not { } lm) continue;
                var lf = Fields(lm, path, ScenarioKeys.Link);
                var between = Required(lf, "between") is { } b ? Pair(b, path + ".between") : HostPair.ClientsAndServers;
                var direction = lf.Get("direction") is { } dn ? Direction(dn, path + ".direction") : DirectionSelector.Both;
                var over = ReadImpairments(lf, path);
                if (over.IsEmpty) Error(lm, $"{path} sets no impairment (expected one or more of: {string.Join(", ", ScenarioKeys.Impairments)})");
                links.Add(new LinkRule { Between = between, Direction = direction, Impairments = over });
            }
        }
        return new NetworkSpec { Baseline = baseline, Links = new ValueList<LinkRule>(links) };
    }

    private ImpairmentOverride ReadImpairments(FieldSet f, string path)
    {
        var o = ImpairmentOverride.Empty;
        if (f.Get("delay") is { } d) o = o with { Delay = Duration(d, path + ".delay") };
        if (f.Get("jitter") is { } j) o = o with { Jitter = Duration(j, path + ".jitter") };
        if (f.Get("jitter_distribution") is { } jd)
            o = o with { JitterDistribution = Enum(jd, path + ".jitter_distribution", JitterNames, JitterDistribution.Uniform) };
        if (f.Get("delay_correlation") is { } dc) o = o with { DelayCorrelation = Probability(dc, path + ".delay_correlation") };
        if (f.Get("loss") is { } l) o = o with { Loss = Loss(l, path + ".loss") };
        if (f.Get("duplicate") is { } du) o = o with { Duplicate = Probability(du, path + ".duplicate") };
        if (f.Get("reorder") is { } re) o = o with { Reorder = Probability(re, path + ".reorder") };
        if (f.Get("corrupt") is { } co) o = o with { Corrupt = Probability(co, path + ".corrupt") };
        if (f.Get("rate") is { } ra) o = o with { Rate = Rate(ra, path + ".rate") };
        return o;
    }

    private WorkloadSpec ReadWorkload(YamlNode node)
    {
        if (Map(node, "workload") is not { } map) return new WorkloadSpec();
        var f = Fields(map, "workload", ScenarioKeys.Workload);
        int couples = Required(f, "couples") is { } cn ? Int(cn, "workload.couples", 0, 100_000_000) : 0;

        OpenSpec? open = new();
        if (f.Get("open") is { } on && Map(on, "workload.open") is { } om)
        {
            var of = Fields(om, "workload.open", ScenarioKeys.Open);
            var at = of.Get("at") is { } a ? Duration(a, "workload.open.at") : TimeSpan.Zero;
            var over = of.Get("over") is { } o ? Duration(o, "workload.open.over") : TimeSpan.Zero;
            double? rate = of.Get("rate") is { } r ? EventRate(r, "workload.open.rate") : null;
            if (of.KeyNode("rate") is { } rk && of.KeyNode("over") is not null)
                Error(rk, "workload.open takes either 'over' (spread evenly) or 'rate' (a steady pace), not both");
            open = new OpenSpec { At = at, Over = over, RatePerSecond = rate };
            Window(at, null, of.Get("at") ?? om, "workload.open.at");
        }

        ExchangeSpec? exchange = null;
        if (f.Get("exchange") is { } en && Map(en, "workload.exchange") is { } em)
        {
            var ef = Fields(em, "workload.exchange", ScenarioKeys.Exchange);
            exchange = new ExchangeSpec
            {
                RequestBytes = ef.Get("request") is { } rq ? Size(rq, "workload.exchange.request") : 0,
                ResponseBytes = ef.Get("response") is { } rs ? Size(rs, "workload.exchange.response") : 0,
            };
        }

        CloseSpec? close = null;
        if (f.Get("close") is { } cln && Map(cln, "workload.close") is { } clm)
        {
            var cf = Fields(clm, "workload.close", ScenarioKeys.Close);
            var at = Required(cf, "at") is { } a ? Duration(a, "workload.close.at") : TimeSpan.Zero;
            close = new CloseSpec
            {
                At = at,
                Over = cf.Get("over") is { } o ? Duration(o, "workload.close.over") : TimeSpan.Zero,
                By = cf.Get("by") is { } b ? Enum(b, "workload.close.by", CloseByNames, CloseBy.Client) : CloseBy.Client,
                Abort = cf.Get("abort") is { } ab ? Probability(ab, "workload.close.abort") : 0,
                PassiveDelay = cf.Get("passive_delay") is { } pd ? Duration(pd, "workload.close.passive_delay") : TimeSpan.Zero,
                Leak = cf.Get("leak") is { } lk ? Probability(lk, "workload.close.leak") : 0,
            };
            Window(at, null, cf.Get("at") ?? clm, "workload.close.at");
        }

        ChurnSpec? churn = null;
        if (f.Get("churn") is { } chn && Map(chn, "workload.churn") is { } chm)
        {
            var cf = Fields(chm, "workload.churn", ScenarioKeys.Churn);
            churn = new ChurnSpec
            {
                RatePerSecond = Required(cf, "rate") is { } r ? EventRate(r, "workload.churn.rate") : 0,
                Lifetime = Required(cf, "lifetime") is { } l ? Duration(l, "workload.churn.lifetime") : TimeSpan.Zero,
                By = cf.Get("by") is { } b ? Enum(b, "workload.churn.by", CloseByNames, CloseBy.Client) : CloseBy.Client,
            };
            foreach (var key in (string[])["open", "close"])
                if (f.KeyNode(key) is { } k) Error(k, $"workload.churn replaces workload.{key}; give one or the other");
            open = null;
        }

        IdleSpec? idle = null;
        if (f.Get("idle") is { } idn && Map(idn, "workload.idle") is { } idm)
        {
            var idf = Fields(idm, "workload.idle", ScenarioKeys.Idle);
            idle = new IdleSpec
            {
                Fraction = idf.Get("fraction") is { } fr ? Probability(fr, "workload.idle.fraction") : 1,
                Keepalive = idf.Get("keepalive") is not { } ka || Bool(ka, "workload.idle.keepalive"),
            };
        }

        SynFloodSpec? flood = null;
        if (f.Get("syn_flood") is { } sfn && Map(sfn, "workload.syn_flood") is { } sfm)
        {
            var sf = Fields(sfm, "workload.syn_flood", ScenarioKeys.SynFlood);
            var at = sf.Get("at") is { } a ? Duration(a, "workload.syn_flood.at") : TimeSpan.Zero;
            TimeSpan? span = sf.Get("for") is { } fo ? Duration(fo, "workload.syn_flood.for", positive: true) : null;
            flood = new SynFloodSpec
            {
                At = at,
                For = span,
                RatePerSecond = Required(sf, "rate") is { } r ? EventRate(r, "workload.syn_flood.rate") : 0,
                Target = sf.Get("target") is { } t ? Selector(t, "workload.syn_flood.target") : HostSelector.One(HostRole.Server, 0),
            };
            if (flood.Target.Role != HostRole.Server && sf.Get("target") is { } tn)
                Error(tn, $"workload.syn_flood.target must select servers; got '{flood.Target}'");
            Window(at, span is { } s ? at + s : null, sf.Get("at") ?? sfm, "workload.syn_flood");
        }

        return new WorkloadSpec { Couples = couples, Open = open, Exchange = exchange, Close = close, Churn = churn, Idle = idle, SynFlood = flood };
    }

    internal static readonly (string Name, CloseBy Value)[] CloseByNames =
        [("client", CloseBy.Client), ("server", CloseBy.Server), ("both", CloseBy.Both), ("random", CloseBy.Random)];

    private RunSpec ReadRun(YamlNode node)
    {
        if (Map(node, "run") is not { } map) return new RunSpec();
        var f = Fields(map, "run", ScenarioKeys.Run);
        var run = new RunSpec();
        if (f.Get("duration") is { } d) run = run with { Duration = Duration(d, "run.duration", positive: true) };
        if (f.Get("sample_every") is { } s) run = run with { SampleEvery = Duration(s, "run.sample_every", positive: true) };
        if (f.Get("shards") is { } sh)
        {
            run = run with { Shards = Int(sh, "run.shards", 1, 4096) };
            _shardsNode = sh;
        }
        return run;
    }

    // ---- whole-file checks -----------------------------------------------------------------

    private void Validate(Scenario s)
    {
        foreach (var (selector, node, path) in _selectors)
        {
            int count = selector.Role == HostRole.Client ? s.Hosts.Clients.Count : s.Hosts.Servers.Count;
            if (selector.IsGroup) continue;
            string plural = selector.Role == HostRole.Client ? "client" : "server";
            if (selector.First > selector.Last)
                Error(node, $"{path}: range '{selector}' runs backwards; write {plural}-{selector.Last}..{selector.First}");
            else if (selector.Last >= count)
                Error(node, $"{path}: '{selector}' names a host that does not exist (there {(count == 1 ? "is 1 " + plural : $"are {count} {plural}s")}: {plural}-0{(count > 1 ? $"..{count - 1}" : "")})");
        }
        var duration = s.Run.Duration;
        // An invalid duration was already reported and read as zero; comparing against it would only add noise.
        if (duration <= TimeSpan.Zero) return;
        foreach (var (at, end, node, path) in _windows)
        {
            if (at >= duration)
                Error(node, $"{path} starts at {UnitSyntax.FormatDuration(at)}, at or after the end of the run ({UnitSyntax.FormatDuration(duration)})");
            else if (end is { } e && e > duration)
                Error(node, $"{path} ends at {UnitSyntax.FormatDuration(e)}, after the end of the run ({UnitSyntax.FormatDuration(duration)})");
        }
        if (s.Run.SampleEvery > duration)
            Error(_runNode ?? _rootNode!, $"run.sample_every ({UnitSyntax.FormatDuration(s.Run.SampleEvery)}) is longer than run.duration ({UnitSyntax.FormatDuration(duration)})");
        if (s.Run.Shards > s.Hosts.Clients.Count)
            Error(_shardsNode ?? _clientsCountNode ?? _rootNode!, $"run.shards ({s.Run.Shards}) exceeds the client hosts ({s.Hosts.Clients.Count}); each shard needs at least one client host");
    }

    /// <summary>Records a time window that the whole-file checks hold against the run's duration.</summary>
    private void Window(TimeSpan at, TimeSpan? end, YamlNode node, string path) => _windows.Add((at, end, node, path));
}
