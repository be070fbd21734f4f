using System.Text;
using System.Text.Json;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// Prometheus' own checker, promtool (Debian package <c>prometheus</c>, in .ci/apt-packages):
/// it accepts the stack's Prometheus config, and every dashboard query is valid PromQL — each is
/// checked as the expression of a recording rule, with Grafana's <c>$__rate_interval</c> replaced
/// by a duration as Grafana does before it sends a query.
/// </summary>
public sealed class PromtoolTests
{
    [Fact]
    public void Promtool_accepts_the_prometheus_config_of_the_stack()
    {
        var outcome = ToolProcess.Run("promtool", ["check", "config", "deploy/prometheus/prometheus.yml"], RepositoryFiles.Root);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("SUCCESS", outcome.Stdout);
    }

    [Fact]
    public void Every_panel_query_of_the_dashboard_is_valid_promql()
    {
        var dashboard = JsonDocument.Parse(RepositoryFiles.Read("deploy/grafana/dashboards/tcpactors.json")).RootElement;
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int count = 0;
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                string expr = target.GetProperty("expr").GetString()!.Replace("$__rate_interval", "1m", StringComparison.Ordinal);
                rules.Append("      - record: dashboard:query_").Append(++count).Append('\n')
                     .Append("        expr: '").Append(expr.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
            }
        }
        // The chaos annotation's query too: Grafana runs it over every panel's time range.
        foreach (var annotation in dashboard.GetProperty("annotations").GetProperty("list").EnumerateArray())
        {
            if (!annotation.TryGetProperty("expr", out var expr)) continue;
            rules.Append("      - record: dashboard:query_").Append(++count).Append('\n')
                 .Append("        expr: '").Append(expr.GetString()!.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }
        using var dir = new WorkDirectory();
        string file = Path.Combine(dir.Path, "dashboard-rules.yml");
        File.WriteAllText(file, rules.ToString());

        var outcome = ToolProcess.Run("promtool", ["check", "rules", file], dir.Path);

        Assert.True(outcome.ExitCode == 0, $"{outcome}\n{rules}");
        Assert.Contains($"SUCCESS: {count} rules found", outcome.Stdout);
    }

    [Fact]
    public void Promtool_rejects_a_query_with_an_unbalanced_parenthesis_so_the_check_above_can_fail()
    {
        using var dir = new WorkDirectory();
        string file = Path.Combine(dir.Path, "bad.yml");
        File.WriteAllText(file, "groups:\n  - name: bad\n    rules:\n      - record: bad:query\n        expr: 'sum by (outcome) (rate(tcpactors_segments_total[1m])'\n");

        var outcome = ToolProcess.Run("promtool", ["check", "rules", file], dir.Path);

        Assert.NotEqual(0, outcome.ExitCode);
    }
}
