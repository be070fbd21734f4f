using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Scenarios;

// The chaos section: a list of events, each a time window that does one thing (impairs,
// partitions, blackholes, clogs, crashes, drops or resets). What an event does is named by which
// of those keys it holds; its window is checked against the run's duration at the end.
internal sealed partial class ScenarioReader
{
    private ValueList<ChaosEvent> ReadChaos(YamlNode node)
    {
        if (Seq(node, "chaos") is not { } seq) return ValueList<ChaosEvent>.Empty;
        var events = new List<ChaosEvent>();
        for (int i = 0; i < seq.Items.Count; i++)
        {
            string path = $"chaos[{i}]";
            if (Map(seq.Items[i], path) is not { } map) continue;
            if (ReadChaosEvent(map, path) is { } e) events.Add(e);
        }
        return new ValueList<ChaosEvent>(events);
    }

    private ChaosEvent? ReadChaosEvent(YamlMapping map, string path)
    {
        var f = Fields(map, path, ScenarioKeys.Chaos);
        var at = Required(f, "at") is { } atNode ? Duration(atNode, path + ".at") : TimeSpan.Zero;
        TimeSpan? span = f.Get("for") is { } forNode ? Duration(forNode, path + ".for", positive: true) : null;
        var between = f.Get("between") is { } b ? Pair(b, path + ".between") : HostPair.ClientsAndServers;
        var direction = f.Get("direction") is { } d ? Direction(d, path + ".direction") : DirectionSelector.Both;
        var impairments = ReadImpairments(f, path);
        if (ChaosAction(f, impairments, map, path) is not { } kind) return null;
        var e = new ChaosEvent { At = at, For = span, Kind = kind, Between = between, Direction = direction, Impairments = impairments };

        if (f.KeyNode("restart_after") is { } rk && kind != ChaosKind.Crash)
            Error(rk, $"{path}.restart_after applies to crash events only");
        if (span is not null && kind is ChaosKind.Crash or ChaosKind.Drop)
            Error(f.KeyNode("for")!, kind == ChaosKind.Crash
                ? $"{path}: a crash has no 'for'; use restart_after"
                : $"{path}: a drop has no 'for'; it stays armed until 'count' segments are dropped");

        switch (kind)
        {
            case ChaosKind.Partition:
                e = ReadPartition(f, e, path);
                break;
            case ChaosKind.Blackhole:
            case ChaosKind.Clog:
                CheckBlackholeOrClog(f, kind, span, map, path);
                break;
            case ChaosKind.Crash:
                e = ReadCrash(f, e, path);
                break;
            case ChaosKind.Drop:
                e = ReadDrop(f, e, path);
                break;
            case ChaosKind.Rst:
                e = ReadRst(f, e, path);
                break;
        }
        Window(at, span is { } s ? at + s : null, f.Get("at") ?? map, path);
        return e;
    }

    /// <summary>The one thing the event does, from the keys it holds; null (reported) when it does none or several.</summary>
    private ChaosKind? ChaosAction(FieldSet f, ImpairmentOverride impairments, YamlMapping map, string path)
    {
        var actions = new List<(ChaosKind Kind, YamlScalar Key)>();
        if (!impairments.IsEmpty)
            actions.Add((ChaosKind.Impair, ScenarioKeys.Impairments.Select(f.KeyNode).First(k => k is not null)!));
        foreach (var (key, kind) in (ReadOnlySpan<(string, ChaosKind)>)[("partition", ChaosKind.Partition), ("blackhole", ChaosKind.Blackhole),
                     ("clog", ChaosKind.Clog), ("crash", ChaosKind.Crash), ("drop", ChaosKind.Drop), ("rst", ChaosKind.Rst)])
        {
            if (f.KeyNode(key) is { } k) actions.Add((kind, k));
        }
        if (actions.Count == 0)
        {
            Error(map, $"{path} does nothing: give impairment keys ({string.Join(", ", ScenarioKeys.Impairments)}) or one of partition, blackhole, clog, crash, drop, rst");
            return null;
        }
        if (actions.Count > 1)
        {
            Error(actions[1].Key, $"{path} does more than one thing ('{actions[0].Key.Value}' and '{actions[1].Key.Value}'); write one event each");
            return null;
        }
        return actions[0].Kind;
    }

    /// <summary><c>partition: true</c>, or <c>partition: { between: [A, B], one_way: false }</c>.</summary>
    private ChaosEvent ReadPartition(FieldSet f, ChaosEvent e, string path)
    {
        if (f.Get("partition") is not { } pn) return e;
        if (pn is YamlScalar && Bool(pn, path + ".partition") is var yes && !yes)
            Error(pn, $"{path}.partition: false does nothing; remove the event");
        else if (pn is YamlMapping pm)
        {
            var pf = Fields(pm, path + ".partition", ScenarioKeys.Partition);
            if (pf.Get("between") is { } pb)
            {
                if (f.KeyNode("between") is { } outer) Error(outer, $"{path}: give 'between' inside partition or beside it, not both");
                e = e with { Between = Pair(pb, path + ".partition.between") };
            }
            if (pf.Get("one_way") is { } ow) e = e with { OneWay = Bool(ow, path + ".partition.one_way") };
        }
        else if (pn is not YamlScalar) Error(pn, $"{path}.partition must be {{ between: [A, B], one_way: false }} or true; got {pn.KindName}");
        return e;
    }

    /// <summary><c>blackhole: true</c> or <c>clog: true</c>; a clog also needs the window's end, when it releases what it held.</summary>
    private void CheckBlackholeOrClog(FieldSet f, ChaosKind kind, TimeSpan? span, YamlMapping map, string path)
    {
        string key = kind == ChaosKind.Blackhole ? "blackhole" : "clog";
        if (!Bool(f.Get(key)!, $"{path}.{key}")) Error(f.Get(key)!, $"{path}.{key}: false does nothing; remove the event");
        if (kind == ChaosKind.Clog && span is null) Error(map, $"{path}: a clog needs 'for' (traffic is released when it ends)");
    }

    /// <summary><c>crash: server-0</c>, optionally <c>restart_after</c>; a crash selects hosts, not links.</summary>
    private ChaosEvent ReadCrash(FieldSet f, ChaosEvent e, string path)
    {
        foreach (var linkKey in (string[])["between", "direction"])
            if (f.KeyNode(linkKey) is { } lk) Error(lk, $"{path}.{linkKey} selects links; a crash selects hosts with 'crash: server-0'");
        return e with
        {
            Crash = Selector(f.Get("crash")!, path + ".crash"),
            RestartAfter = f.Get("restart_after") is { } ra ? Duration(ra, path + ".restart_after", positive: true) : null,
        };
    }

    /// <summary><c>drop: { flags: [ACK], direction: ..., count: N }</c>.</summary>
    private ChaosEvent ReadDrop(FieldSet f, ChaosEvent e, string path)
    {
        if (Map(f.Get("drop")!, path + ".drop") is not { } dm) return e;
        var df = Fields(dm, path + ".drop", ScenarioKeys.Drop);
        if (Required(df, "flags") is { } fl) e = e with { DropFlags = Flags(fl, path + ".drop.flags") };
        if (df.Get("direction") is { } dd)
        {
            if (f.KeyNode("direction") is { } outer) Error(outer, $"{path}: give 'direction' inside drop or beside it, not both");
            e = e with { Direction = Direction(dd, path + ".drop.direction") };
        }
        if (df.Get("count") is { } cnt) e = e with { DropCount = Int(cnt, path + ".drop.count", 1, int.MaxValue) };
        return e;
    }

    /// <summary><c>rst: true</c>, or <c>rst: { fraction: 0.1, sequence: exact | in_window | out_of_window }</c>.</summary>
    private ChaosEvent ReadRst(FieldSet f, ChaosEvent e, string path)
    {
        var rn = f.Get("rst")!;
        if (rn is YamlMapping rm)
        {
            var rf = Fields(rm, path + ".rst", ScenarioKeys.Rst);
            if (rf.Get("fraction") is { } fr) e = e with { RstFraction = Probability(fr, path + ".rst.fraction") };
            if (rf.Get("sequence") is { } sq) e = e with { RstSequence = Enum(sq, path + ".rst.sequence", RstSequenceNames, RstSequence.Exact) };
        }
        else if (!Bool(rn, path + ".rst")) Error(rn, $"{path}.rst: false does nothing; remove the event");
        return e;
    }

    internal static readonly (string Name, RstSequence Value)[] RstSequenceNames =
        [("exact", RstSequence.Exact), ("in_window", RstSequence.InWindow), ("out_of_window", RstSequence.OutOfWindow)];

    internal static readonly (string Name, TcpFlags Value)[] FlagNames =
        [("FIN", TcpFlags.Fin), ("SYN", TcpFlags.Syn), ("RST", TcpFlags.Rst), ("PSH", TcpFlags.Psh), ("ACK", TcpFlags.Ack)];

    /// <summary>One flag or a list of them (<c>[FIN, ACK]</c>), each at most once.</summary>
    private TcpFlags Flags(YamlNode node, string path)
    {
        var items = node is YamlSequence s ? s.Items : [node];
        var flags = TcpFlags.None;
        foreach (var item in items)
        {
            var flag = Enum(item, path, FlagNames, TcpFlags.None);
            if ((flags & flag) != 0) Error(item, $"{path} names {flag.ToWireshark()} twice");
            flags |= flag;
        }
        if (items.Count == 0) Error(node, $"{path} must name at least one flag, such as [ACK] or [FIN, ACK]");
        return flags;
    }
}
