using System.Text.Json;
using System.Text.RegularExpressions;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// The provisioned Grafana dashboard (deploy/grafana/dashboards/tcpactors.json) parses, queries
/// only series the simulator really exports (names and labels from a live <c>/metrics</c> scrape,
/// so a renamed metric fails here), and has the panels of the live dashboard.
/// </summary>
public sealed class GrafanaDashboardTests
{
    private const string DashboardPath = "deploy/grafana/dashboards/tcpactors.json";

    // Labels the OpenTelemetry Collector's Prometheus exporter adds from each run's resource
    // (service.name → job, service.instance.id → instance); the simulator's own /metrics has none.
    private static readonly string[] s_collectorLabels = ["job", "instance"];

    private static JsonElement Dashboard() => JsonDocument.Parse(RepositoryFiles.Read(DashboardPath)).RootElement;

    private static List<(string Panel, string Expr)> Queries()
    {
        var queries = new List<(string, string)>();
        var dashboard = Dashboard();
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray()) queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!));
        }
        foreach (var annotation in dashboard.GetProperty("annotations").GetProperty("list").EnumerateArray())
        {
            if (annotation.TryGetProperty("expr", out var expr)) queries.Add(("annotation " + annotation.GetProperty("name").GetString(), expr.GetString()!));
        }
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            var query = variable.GetProperty("query");
            string text = query.ValueKind == JsonValueKind.String ? query.GetString()! : query.GetProperty("query").GetString()!;
            queries.Add(("variable " + variable.GetProperty("name").GetString(), text));
        }
        return queries;
    }

    [Fact]
    public void Every_query_of_the_dashboard_names_only_metrics_and_labels_the_simulator_exports()
    {
        var exported = ExportedMetrics.FromShortRun;
        Assert.Contains("tcpactors_connections", exported.Names);
        Assert.Contains("tcpactors_handshake_duration_seconds_bucket", exported.Names);

        var queries = Queries();
        Assert.True(queries.Count >= 10, $"only {queries.Count} queries");
        foreach (var (panel, expr) in queries)
        {
            var names = PromQlNames.Of(expr);
            Assert.True(names.Metrics.Count > 0, $"{panel}: no metric in {expr}");
            foreach (string metric in names.Metrics)
                Assert.True(exported.Names.Contains(metric), $"{panel}: {metric} is not exported (exported: {string.Join(", ", exported.Names.Order())})");
            foreach (string label in names.Labels)
                Assert.True(exported.LabelValues.ContainsKey(label) || s_collectorLabels.Contains(label), $"{panel}: label {label} is not exported");
        }
    }

    [Fact]
    public void Chaos_windows_are_an_annotation_on_every_panel_from_the_chaos_gauge()
    {
        var annotation = Assert.Single(Dashboard().GetProperty("annotations").GetProperty("list").EnumerateArray(),
            a => a.GetProperty("name").GetString() == "Chaos");
        Assert.True(annotation.GetProperty("enable").GetBoolean());
        Assert.Equal("tcpactors-prometheus", annotation.GetProperty("datasource").GetProperty("uid").GetString());
        Assert.Equal(["tcpactors_chaos_active"], PromQlNames.Of(annotation.GetProperty("expr").GetString()!).Metrics);
        Assert.Equal("kind", annotation.GetProperty("tagKeys").GetString());
        // An annotation without a panel filter is drawn on every time series panel of the dashboard.
        Assert.False(annotation.TryGetProperty("filter", out _));

        // The short run's 30 % loss window is exported under the scenario's own word for it.
        var exported = ExportedMetrics.FromShortRun;
        Assert.Contains("tcpactors_chaos_active", exported.Names);
        Assert.Contains("loss", exported.LabelValues["kind"]);
    }

    [Fact]
    public void Every_fixed_label_value_a_query_matches_is_one_the_simulator_exports()
    {
        var exported = ExportedMetrics.FromShortRun;
        foreach (var (panel, expr) in Queries())
        {
            foreach (var (label, op, value) in PromQlNames.Of(expr).Matchers)
            {
                if (value.Contains('$')) continue; // a dashboard variable
                string[] alternatives = op.EndsWith('~') ? value.Split('|') : [value];
                foreach (string alternative in alternatives)
                    Assert.True(exported.LabelValues[label].Contains(alternative), $"{panel}: {label}=\"{alternative}\" is never exported");
            }
        }
        // The gauge reports all eleven states at every sample, zeros included.
        Assert.Equal(11, exported.LabelValues["tcp_state"].Count);
    }

    [Fact]
    public void Long_lived_states_are_charted_apart_from_transient_ones_and_time_wait_is_a_big_number_at_the_top()
    {
        var panels = Dashboard().GetProperty("panels").EnumerateArray().ToList();
        string[] StatesOf(JsonElement panel) =>
            [.. panel.GetProperty("targets").EnumerateArray()
                .SelectMany(t => PromQlNames.Of(t.GetProperty("expr").GetString()!).Matchers)
                .Where(m => m.Label == "tcp_state")
                .SelectMany(m => m.Value.Split('|'))
                .Order()];

        var longLived = Assert.Single(panels, p => p.GetProperty("title").GetString() == "Long-lived states");
        Assert.Equal(["close_wait", "established", "fin_wait_2", "time_wait"], StatesOf(longLived));
        var transient = Assert.Single(panels, p => p.GetProperty("title").GetString() == "Transient states");
        Assert.Equal(["closing", "fin_wait_1", "last_ack", "syn_received", "syn_sent"], StatesOf(transient));
        // TIME_WAIT is drawn in red and thicker than the other long-lived states.
        var timeWaitOverride = Assert.Single(longLived.GetProperty("fieldConfig").GetProperty("overrides").EnumerateArray(),
            o => o.GetProperty("matcher").GetProperty("options").GetString() == "time_wait");
        Assert.Contains("\"red\"", timeWaitOverride.GetRawText());

        var timeWaitNow = Assert.Single(panels, p => p.GetProperty("title").GetString() == "TIME_WAIT");
        Assert.Equal("stat", timeWaitNow.GetProperty("type").GetString());
        Assert.Equal(0, timeWaitNow.GetProperty("gridPos").GetProperty("y").GetInt32());
        Assert.Equal(0, timeWaitNow.GetProperty("gridPos").GetProperty("x").GetInt32());
        Assert.Equal(["time_wait"], StatesOf(timeWaitNow));
    }

    [Fact]
    public void The_dashboard_charts_segments_by_outcome_resets_connect_outcomes_overflow_and_handshake_quantiles()
    {
        var exprs = Queries().Select(q => q.Expr).ToList();
        Assert.Contains(exprs, e => Regex.IsMatch(e, @"sum by \(outcome\) \(rate\(tcpactors_segments_total\{"));
        Assert.Contains(exprs, e => Regex.IsMatch(e, @"sum by \(direction\) \(rate\(tcpactors_resets_total\{"));
        Assert.Contains(exprs, e => Regex.IsMatch(e, @"sum by \(outcome\) \(tcpactors_connect_outcomes_total\{"));
        Assert.Contains(exprs, e => e.Contains("tcpactors_time_wait_overflow_total", StringComparison.Ordinal));
        foreach (string q in new[] { "0.5", "0.9", "0.99" })
            Assert.Contains(exprs, e => e.StartsWith($"histogram_quantile({q}, sum by (le) (tcpactors_handshake_duration_seconds_bucket{{", StringComparison.Ordinal));
    }

    [Fact]
    public void Shards_are_summed_so_every_panel_query_aggregates_and_filters_by_scenario_and_shard()
    {
        foreach (var (panel, expr) in Queries().Where(q => !q.Panel.StartsWith("variable ", StringComparison.Ordinal)))
        {
            // Every shard applies the same chaos window, so the chaos annotation takes the max over shards, not the sum.
            bool chaos = panel.StartsWith("annotation ", StringComparison.Ordinal) && expr.StartsWith("max by (kind)", StringComparison.Ordinal);
            Assert.True(expr.StartsWith("sum", StringComparison.Ordinal) || expr.StartsWith("histogram_quantile(", StringComparison.Ordinal) || chaos,
                $"{panel}: {expr} does not sum the shards");
            var matchers = PromQlNames.Of(expr).Matchers;
            Assert.Contains(("scenario", "=~", "$scenario"), matchers);
            Assert.Contains(("shard", "=~", "$shard"), matchers);
        }
    }

    [Fact]
    public void Every_panel_uses_the_provisioned_prometheus_datasource()
    {
        string uid = ProvisionedDatasourceUid();
        foreach (var panel in Dashboard().GetProperty("panels").EnumerateArray())
        {
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
                Assert.Equal(uid, target.GetProperty("datasource").GetProperty("uid").GetString());
        }
    }

    internal static string ProvisionedDatasourceUid()
    {
        var file = YamlFile.Load("deploy/grafana/provisioning/datasources/prometheus.yaml");
        var datasource = Assert.Single(YamlFile.Seq(file, "datasources"));
        Assert.Equal("prometheus", YamlFile.Str(datasource, "type"));
        return YamlFile.Str(datasource, "uid");
    }
}
