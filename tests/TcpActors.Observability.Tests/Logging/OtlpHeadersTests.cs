using TcpActors.Observability.Logging;

namespace TcpActors.Observability.Tests.Logging;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c> as the OpenTelemetry specification writes it: the W3C
/// Baggage format without properties, values percent-encoded; the logs' own variable wins.
/// </summary>
public sealed class OtlpHeadersTests
{
    public static TheoryData<string, string[]> Lists => new()
    {
        // the variable's value, then name=value of every header it gives (sorted by name)
        { "", [] },
        { "api-key=abc123", ["api-key=abc123"] },
        { "authorization=Bearer%20s3cret,x-tenant=lab", ["authorization=Bearer s3cret", "x-tenant=lab"] },
        { " authorization = Basic YWxhZGRpbg== , x-tenant=lab ,", ["authorization=Basic YWxhZGRpbg==", "x-tenant=lab"] },
        { "x-plus=a+b", ["x-plus=a+b"] },
        { "x-list=a%2Cb,x-eq=c%3Dd", ["x-eq=c=d", "x-list=a,b"] },
        { "x-utf8=caf%C3%A9", ["x-utf8=café"] },
        { "x-not-encoded=100%", ["x-not-encoded=100%"] },
        { "x-empty=", ["x-empty="] },
        { "X-Twice=1,x-twice=2", ["X-Twice=2"] },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void A_list_gives_its_headers_with_the_values_percent_decoded(string text, string[] expected)
    {
        Assert.True(OtlpHeaders.TryParse(text, out var headers, out string problem), problem);

        Assert.Equal(expected, headers.Select(h => $"{h.Key}={h.Value}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Bearer s3cret", "\"Bearer s3cret\" is not key=value")]
    [InlineData("a=1,b", "\"b\" is not key=value")]
    [InlineData("=value", "\"\" is not a header name")]
    [InlineData("x tenant=lab", "\"x tenant\" is not a header name")]
    [InlineData("x-evil=a%0D%0Ahost:%20evil.example", "the value of \"x-evil\" holds a control character once decoded")]
    public void A_value_that_is_not_such_a_list_is_refused_in_plain_words(string text, string problem)
    {
        Assert.False(OtlpHeaders.TryParse(text, out _, out string why));

        Assert.StartsWith(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void The_logs_own_variable_takes_the_place_of_the_general_one_and_names_itself_when_wrong()
    {
        var both = new Dictionary<string, string> { [OtlpHeaders.Variable] = "x-tenant=lab", [OtlpHeaders.LogsVariable] = "x-logs=1" };
        Assert.True(OtlpHeaders.TryForLogs(both.GetValueOrDefault, out var headers, out _));
        Assert.Equal(["x-logs"], headers.Keys);

        var general = new Dictionary<string, string> { [OtlpHeaders.Variable] = "x-tenant=lab" };
        Assert.True(OtlpHeaders.TryForLogs(general.GetValueOrDefault, out headers, out _));
        Assert.Equal(["x-tenant"], headers.Keys);

        // Set but empty is unset, as for every OTEL_* variable: the general one applies.
        var emptied = new Dictionary<string, string> { [OtlpHeaders.Variable] = "x-tenant=lab", [OtlpHeaders.LogsVariable] = "" };
        Assert.True(OtlpHeaders.TryForLogs(emptied.GetValueOrDefault, out headers, out _));
        Assert.Equal(["x-tenant"], headers.Keys);

        var wrong = new Dictionary<string, string> { [OtlpHeaders.Variable] = "token" };
        Assert.False(OtlpHeaders.TryForLogs(wrong.GetValueOrDefault, out _, out string problem));
        Assert.StartsWith("OTEL_EXPORTER_OTLP_HEADERS: \"token\" is not key=value", problem, StringComparison.Ordinal);
    }
}
