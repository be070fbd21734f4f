namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// Every key of schema v1, per section, in documentation order. The loader rejects any other key;
/// the writer and docs/scenarios.md follow the same lists.
/// </summary>
public static class ScenarioKeys
{
    /// <summary>Top level.</summary>
    public static readonly string[] Root = ["name", "description", "seed", "profile", "tcp", "hosts", "network", "workload", "chaos", "run"];

    /// <summary><c>tcp:</c> — the knobs of DESIGN.md §4.2.</summary>
    public static readonly string[] Tcp =
    [
        "time_wait", "fin_timeout", "initial_rto", "min_rto", "max_rto", "syn_retries", "syn_linear_timeouts",
        "connect_timeout", "synack_retries", "data_retries", "delayed_ack", "keepalive", "rfc1337", "tw_reuse",
        "max_tw_buckets", "port_range", "syn_backlog", "accept_backlog", "backlog", "syncookies",
        "abort_on_overflow", "mss", "receive_window",
    ];

    /// <summary><c>tcp.keepalive:</c>.</summary>
    public static readonly string[] Keepalive = ["enabled", "idle", "interval", "probes"];

    /// <summary><c>hosts:</c>.</summary>
    public static readonly string[] Hosts = ["clients", "servers"];
    /// <summary><c>hosts.clients:</c>.</summary>
    public static readonly string[] Clients = ["count", "port_range"];
    /// <summary><c>hosts.servers:</c>.</summary>
    public static readonly string[] Servers = ["count", "port", "backlog"];

    /// <summary>The impairment keys, valid in <c>network</c>, in each <c>links</c> entry and in chaos events.</summary>
    public static readonly string[] Impairments =
        ["delay", "jitter", "jitter_distribution", "delay_correlation", "loss", "duplicate", "reorder", "corrupt", "rate"];

    /// <summary><c>network:</c>.</summary>
    public static readonly string[] Network = [.. Impairments, "links"];
    /// <summary>An entry of <c>network.links</c>.</summary>
    public static readonly string[] Link = ["between", "direction", .. Impairments];
    /// <summary>An object <c>loss:</c>.</summary>
    public static readonly string[] Loss = ["model", "p", "correlation", "r", "1-h", "1-k"];
    /// <summary>An object <c>rate:</c>.</summary>
    public static readonly string[] Rate = ["limit", "queue"];

    /// <summary><c>workload:</c>.</summary>
    public static readonly string[] Workload = ["couples", "open", "exchange", "close", "churn", "idle", "syn_flood"];
    /// <summary><c>workload.open:</c>.</summary>
    public static readonly string[] Open = ["at", "over", "rate"];
    /// <summary><c>workload.exchange:</c>.</summary>
    public static readonly string[] Exchange = ["request", "response"];
    /// <summary><c>workload.close:</c>.</summary>
    public static readonly string[] Close = ["at", "over", "by", "abort", "passive_delay", "leak"];
    /// <summary><c>workload.churn:</c>.</summary>
    public static readonly string[] Churn = ["rate", "lifetime", "by"];
    /// <summary><c>workload.idle:</c>.</summary>
    public static readonly string[] Idle = ["fraction", "keepalive"];
    /// <summary><c>workload.syn_flood:</c>.</summary>
    public static readonly string[] SynFlood = ["at", "for", "rate", "target"];

    /// <summary>A chaos event.</summary>
    public static readonly string[] Chaos =
    [
        "at", "for", "between", "direction", .. Impairments,
        "partition", "blackhole", "clog", "crash", "restart_after", "drop", "rst",
    ];
    /// <summary>A chaos <c>partition:</c>.</summary>
    public static readonly string[] Partition = ["between", "one_way"];
    /// <summary>A chaos <c>drop:</c>.</summary>
    public static readonly string[] Drop = ["flags", "direction", "count"];
    /// <summary>A chaos <c>rst:</c>.</summary>
    public static readonly string[] Rst = ["fraction", "sequence"];

    /// <summary><c>run:</c>.</summary>
    public static readonly string[] Run = ["duration", "sample_every", "shards"];
}
