namespace TcpActors.Cli.Tests.Deploy;

/// <summary>The scanner the dashboard checks rely on finds what a query names, and only that.</summary>
public sealed class PromQlNamesTests
{
    [Fact]
    public void A_rate_by_outcome_names_one_metric_and_its_labels_but_not_the_function_or_the_range()
    {
        var names = PromQlNames.Of("sum by (outcome) (rate(tcpactors_segments_total{scenario=~\"$scenario\",shard=~\"$shard\"}[$__rate_interval]))");

        Assert.Equal(["tcpactors_segments_total"], names.Metrics);
        Assert.Equal(["outcome", "scenario", "shard"], names.Labels);
        Assert.Contains(("scenario", "=~", "$scenario"), names.Matchers);
    }

    [Fact]
    public void A_misspelled_metric_is_reported_as_the_name_it_is()
    {
        var names = PromQlNames.Of("histogram_quantile(0.99, sum by (le) (tcpactors_handshake_duration_bucket{tcp_state=\"time_wait\"}))");

        Assert.Equal(["tcpactors_handshake_duration_bucket"], names.Metrics);
        Assert.Equal(["le", "tcp_state"], names.Labels);
        Assert.Equal([("tcp_state", "=", "time_wait")], names.Matchers);
    }

    [Fact]
    public void A_ratio_of_two_sums_names_both_metrics()
    {
        var names = PromQlNames.Of("sum(a_sum{x=\"1\"}) / sum(a_count) > bool 0.5");

        Assert.Equal(["a_sum", "a_count"], names.Metrics);
    }

    [Fact]
    public void A_grafana_label_values_query_names_its_metric_and_the_label_it_lists()
    {
        var names = PromQlNames.Of("label_values(tcpactors_connections{scenario=~\"$scenario\"}, shard)");

        Assert.Equal(["tcpactors_connections"], names.Metrics);
        Assert.Equal(["scenario", "shard"], names.Labels);
    }
}
