using TcpActors.Observability;
using TcpActors.Simulation;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// What the simulator really exports to Prometheus: the series of one <c>/metrics</c> scrape of
/// a short lossy run, served by the Observability code itself (RunTelemetry with
/// <c>MetricsPort = 0</c>), taken after the run ended so the histograms are there too. A
/// dashboard query is checked against these names, so renaming a metric fails the test.
/// </summary>
internal sealed class ExportedMetrics
{
    private static readonly Lazy<ExportedMetrics> s_fromShortRun = new(Scrape);

    private ExportedMetrics(string text, HashSet<string> names, Dictionary<string, HashSet<string>> labelValues)
    {
        Text = text;
        Names = names;
        LabelValues = labelValues;
    }

    /// <summary>The scrape of a 40-couple run with 5 % loss and a window of 30 % loss, taken once per test run.</summary>
    public static ExportedMetrics FromShortRun => s_fromShortRun.Value;

    /// <summary>The exposition text as served.</summary>
    public string Text { get; }

    /// <summary>Every series name (<c>tcpactors_connections</c>, <c>..._bucket</c>, …).</summary>
    public IReadOnlySet<string> Names { get; }

    /// <summary>Every label name with the values it took.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> LabelValues { get; }

    /// <summary>Parses the text exposition format: <c>name{a="x",b="y"} value</c> per line.</summary>
    public static ExportedMetrics Parse(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int brace = line.IndexOf('{');
            int space = line.IndexOf(' ');
            int end = brace >= 0 && (space < 0 || brace < space) ? brace : space;
            names.Add(line[..end]);
            if (end != brace) continue;
            int i = brace + 1;
            while (i < line.Length && line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string key = line[i..eq];
                int valueStart = eq + 2; // skip ="
                int valueEnd = valueStart;
                while (line[valueEnd] != '"') valueEnd += line[valueEnd] == '\\' ? 2 : 1;
                if (!labels.TryGetValue(key, out var values)) labels[key] = values = new HashSet<string>(StringComparer.Ordinal);
                values.Add(line[valueStart..valueEnd]);
                i = valueEnd + 1;
                if (i < line.Length && line[i] == ',') i++;
            }
        }
        return new ExportedMetrics(text, names, labels);
    }

    private static ExportedMetrics Scrape()
    {
        var scenario = ScenarioLoader.LoadText("""
            name: deploy-names
            seed: 11
            profile: linux
            hosts:
              clients: { count: 2 }
              servers: { count: 1, port: 80 }
            network: { delay: 10ms, loss: 0.05 }
            workload:
              couples: 40
              open: { at: 0s, over: 2s }
              exchange: { request: 100B, response: 1KB }
              close: { at: 10s, over: 0s, by: client }
            chaos:
              - { at: 5s, for: 2s, loss: 0.3 }
            run: { duration: 90s, sample_every: 1s, shards: 1 }
            """, "deploy-names.yaml").GetOrThrow();
        using var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { Shard = "0", MetricsPort = 0, PeopleLog = false });
        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry });
        telemetry.OnCompleted(report);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string text = http.GetStringAsync(telemetry.Endpoint!.Url).GetAwaiter().GetResult();
        return Parse(text);
    }
}
