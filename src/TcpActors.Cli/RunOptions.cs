using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TcpActors.Cli.Scenarios;
using TcpActors.Observability.Metrics;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Cli;

/// <summary>
/// The options of <c>tcpactors run</c> (DESIGN.md §8). Each value is parsed with the scenario
/// file's own syntax (<see cref="UnitSyntax"/>: <c>10ms</c>, <c>1%</c>) and checked here, so a bad
/// value is a usage error that names the option, before anything runs or is written.
/// </summary>
internal sealed class RunOptions
{
    /// <summary>The most couples a scenario may have (the loader's limit for <c>workload.couples</c>).</summary>
    private const int MaxCouples = 100_000_000;

    public Argument<string?> Scenario { get; } = new("SCENARIO")
    {
        Description = $"A scenario file (YAML, schema v1) or the name of a built-in scenario (see 'tcpactors scenarios'); default {ScenarioSource.DefaultBuiltIn}",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<int?> Couples { get; } = new("--couples")
    {
        Description = "Override workload.couples: how many client/server couples the run creates",
        HelpName = "N",
        CustomParser = r => ParseWhole(r, "--couples", 0, MaxCouples),
    };

    public Option<ulong?> Seed { get; } = new("--seed")
    {
        Description = "Override the seed; the same scenario and seed give the same run, bit for bit",
        HelpName = "N",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)) return seed;
            r.AddError($"--seed must be a whole number from 0 to {ulong.MaxValue}; got '{text}'");
            return null;
        },
    };

    public Option<TcpProfile?> Profile { get; } = new("--profile")
    {
        Description = "Override the TCP profile: linux, rfc9293, bsd or windows (the scenario's tcp: knobs stay on top)",
        HelpName = "NAME",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (TcpProfile.TryGet(text, out var profile)) return profile;
            r.AddError($"--profile must be one of linux, rfc9293, bsd, windows; got '{text}'");
            return null;
        },
    };

    public Option<double?> Loss { get; } = new("--loss")
    {
        Description = "Override the baseline network loss with Bernoulli loss: 0.01 or 1%",
        HelpName = "P",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (UnitSyntax.TryParseProbability(text, out double p) && p is >= 0 and <= 1) return p;
            r.AddError($"--loss must be a probability from 0 to 1 (or 0% to 100%); got '{text}'");
            return null;
        },
    };

    public Option<TimeSpan?> Delay { get; } = new("--delay")
    {
        Description = "Override the baseline one-way network delay: 10ms, 1s",
        HelpName = "DURATION",
        CustomParser = r => ParseDuration(r, "--delay", allowZero: true),
    };

    public Option<TimeSpan?> Duration { get; } = new("--duration")
    {
        Description = "Override run.duration: the virtual time the run lasts, such as 90s or 2m",
        HelpName = "DURATION",
        CustomParser = r => ParseDuration(r, "--duration", allowZero: false),
    };

    public Option<int?> Shards { get; } = new("--shards")
    {
        Description = "Override run.shards: independent cells the scenario is cut into (changes the result)",
        HelpName = "N",
        CustomParser = r => ParseWhole(r, "--shards", 1, ShardSelection.MaxCount),
    };

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "Threads that run shards in parallel; default min(shards, processors). Never changes the result",
        HelpName = "N",
        CustomParser = r => ParseWhole(r, "--threads", 1, 1024),
    };

    public Option<ShardSelection?> Shard { get; } = new("--shard")
    {
        Description = "Run only shard I (0-based) of N in this process; merge the run directories with 'tcpactors merge'",
        HelpName = "I/N",
        CustomParser = r =>
        {
            if (ShardSelection.TryParse(r.Tokens[0].Value, out var shard, out string problem)) return shard;
            r.AddError(problem);
            return null;
        },
    };

    public Option<string?> Out { get; } = new("--out")
    {
        Description = "The run directory to write (report.json, timeseries.csv); default out/<scenario>-<timestamp>/",
        HelpName = "DIR",
    };

    public Option<string?> Trace { get; } = new("--trace")
    {
        Description = "Write a JSON-lines trace of the traced couples' states, segments and outcomes to FILE (a relative FILE goes into the run directory)",
        HelpName = "FILE",
    };

    public Option<int> TraceCouples { get; } = new("--trace-couples")
    {
        Description = "How many couples --trace follows (the first N)",
        HelpName = "N",
        DefaultValueFactory = _ => 10,
        CustomParser = r => ParseWhole(r, "--trace-couples", 0, MaxCouples) ?? 0,
    };

    public Option<string?> Pcap { get; } = new("--pcap")
    {
        Description = "Write the traced couples' segments as a libpcap file (IPv4 + TCP, valid checksums, virtual timestamps) for Wireshark/tshark (a relative FILE goes into the run directory)",
        HelpName = "FILE",
    };

    public Option<OtlpTarget?> Otlp { get; } = new("--otlp")
    {
        Description = "Send the TcpActors metrics over OTLP to URL while the run goes: gRPC (http://localhost:4317) or http/protobuf " +
            "(http://localhost:4318 or a URL ending in /v1/metrics); OTEL_EXPORTER_OTLP_* and OTEL_METRIC_EXPORT_INTERVAL are honoured",
        HelpName = "URL",
        CustomParser = r =>
        {
            if (OtlpTarget.TryParse(r.Tokens[0].Value, null, out var target, out string problem)) return target;
            r.AddError(problem);
            return null;
        },
    };

    public Option<int?> MetricsPort { get; } = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics at http://127.0.0.1:N/metrics while the run goes (0 picks a free port)",
        HelpName = "N",
        CustomParser = r => ParseWhole(r, "--metrics-port", 0, 65535),
    };

    public Option<bool> RealTime { get; } = new("--realtime")
    {
        Description = "Pace the run to the wall clock (times --time-scale); the result is the same as in virtual time. " +
            "'--realtime false' runs in virtual time, also with --dashboard (which otherwise paces)",
    };

    public Option<double?> TimeScale { get; } = new("--time-scale")
    {
        Description = "Virtual seconds per wall second when paced (implies --realtime); default 1",
        HelpName = "X",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value <= 1e9 && double.IsFinite(value))
                return value;
            r.AddError($"--time-scale must be a number above 0 (virtual seconds per wall second), such as 10 or 0.5; got '{text}'");
            return null;
        },
    };

    public Option<bool> Dashboard { get; } = new("--dashboard")
    {
        Description = $"Serve the live web dashboard and chaos control API at http://127.0.0.1:{Observability.Dashboard.DashboardOptions.DefaultPort}/ " +
            "(and /metrics); the run is paced in real time (--time-scale; '--realtime false': as fast as it goes) and the dashboard stays up after the end until Ctrl+C",
    };

    public Option<int?> Port { get; } = new("--port")
    {
        Description = $"The dashboard's port (with --dashboard; default {Observability.Dashboard.DashboardOptions.DefaultPort}, 0 picks a free one)",
        HelpName = "N",
        CustomParser = r => ParseWhole(r, "--port", 0, 65535),
    };

    public Option<System.Net.IPAddress?> DashboardHost { get; } = new("--dashboard-host")
    {
        Description = "The address the dashboard binds (default 127.0.0.1); anything but loopback needs --dashboard-token",
        HelpName = "ADDRESS",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (System.Net.IPAddress.TryParse(text, out var address)) return address;
            r.AddError($"--dashboard-host must be an IP address such as 127.0.0.1 or 0.0.0.0; got '{text}'");
            return null;
        },
    };

    public Option<string?> DashboardToken { get; } = new("--dashboard-token")
    {
        Description = "The secret every dashboard API call must carry (Authorization: Bearer TOKEN or ?token=TOKEN); default: a random one per run, " +
            "in the URL printed at the start (/?token=TOKEN, the page passes it on)",
        HelpName = "TOKEN",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (text.Length > 0 && !text.Any(char.IsWhiteSpace) && !text.Any(char.IsControl)) return text;
            r.AddError($"--dashboard-token must be a word without spaces (it travels in a URL and a header); got '{text}'");
            return null;
        },
    };

    public Option<string?> LiveChanges { get; } = new("--live-changes")
    {
        Description = "Replay the live chaos changes recorded in a run's report.json (or run directory) at their virtual times: same digest",
        HelpName = "REPORT",
    };

    public Option<long?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "Refuse (exit 2) a run whose estimated peak memory is above SIZE (512MB, 16GB); default half of the machine's memory",
        HelpName = "SIZE",
        CustomParser = r =>
        {
            string text = r.Tokens[0].Value;
            if (UnitSyntax.TryParseSize(text, out long bytes) && bytes > 0) return bytes;
            r.AddError($"--max-memory must be a size such as 512MB or 16GB; got '{text}'");
            return null;
        },
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Print only the final summary and the run directory",
    };

    /// <summary>Adds the argument and every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        // An optional argument would otherwise swallow a mistyped option ('--bogus') as a scenario
        // name; no scenario file or built-in name starts with '-'.
        Scenario.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (token.Value.StartsWith('-')) r.AddError($"Unrecognized command or argument '{token.Value}'.");
            }
        });
        command.Arguments.Add(Scenario);
        foreach (Option option in (Option[])[Couples, Seed, Profile, Loss, Delay, Duration, Shards, Threads, Shard, Out, Trace, TraceCouples, Pcap, Otlp, MetricsPort, RealTime, TimeScale, Dashboard, Port, DashboardHost, DashboardToken, LiveChanges, MaxMemory, Quiet])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The scenario overrides given on the command line.</summary>
    public ScenarioOverrides OverridesFrom(ParseResult parse) => new()
    {
        Couples = parse.GetValue(Couples),
        Seed = parse.GetValue(Seed),
        Profile = parse.GetValue(Profile),
        Loss = parse.GetValue(Loss),
        Delay = parse.GetValue(Delay),
        Duration = parse.GetValue(Duration),
        Shards = parse.GetValue(Shards),
    };

    private static int? ParseWhole(ArgumentResult r, string name, int min, int max)
    {
        string text = r.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            return value;
        r.AddError($"{name} must be a whole number from {min} to {max}; got '{text}'");
        return null;
    }

    private static TimeSpan? ParseDuration(ArgumentResult r, string name, bool allowZero)
    {
        string text = r.Tokens[0].Value;
        if (text.StartsWith('-'))
        {
            r.AddError($"{name} must not be negative; got '{text}'");
            return null;
        }
        if (UnitSyntax.IsTooLongDuration(text))
        {
            r.AddError($"{name} is too long: at most {UnitSyntax.MaxDurationText}; got '{text}'");
            return null;
        }
        if (!UnitSyntax.TryParseDuration(text, out var value))
        {
            r.AddError(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"{name} needs a unit: write '{text}s' or '{text}ms', not '{text}'"
                : $"{name} must be a duration with a unit, such as 250ms, 10s or 2m; got '{text}'");
            return null;
        }
        if (!allowZero && value == TimeSpan.Zero)
        {
            r.AddError($"{name} must be longer than 0s");
            return null;
        }
        return value;
    }
}
