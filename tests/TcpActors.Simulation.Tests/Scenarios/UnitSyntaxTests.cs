using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Tests.Scenarios;

public class UnitSyntaxTests
{
    [Theory]
    [InlineData("250ms", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("60s", 60 * TimeSpan.TicksPerSecond)]
    [InlineData("2m", 120 * TimeSpan.TicksPerSecond)]
    [InlineData("1h", 3600 * TimeSpan.TicksPerSecond)]
    [InlineData("1.5s", 15_000_000)]
    [InlineData("0.1s", 1_000_000)]
    [InlineData("100us", 1000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void Durations_are_read_exactly_from_their_unit(string text, long ticks)
    {
        Assert.True(UnitSyntax.TryParseDuration(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("10 sec")]
    [InlineData("s")]
    [InlineData("1.5.2s")]
    [InlineData("-1s")]
    [InlineData("0.00000001s")]
    public void Durations_without_a_known_unit_or_finer_than_a_tick_are_refused(string text) =>
        Assert.False(UnitSyntax.TryParseDuration(text, out _));

    [Theory]
    [InlineData("99999999999999h", true)]
    [InlineData("1e30s", true)]
    [InlineData("1E400ms", true)]
    [InlineData("256204779h", true)]
    [InlineData("256204778h", false)]
    [InlineData("1e3s", false)]
    [InlineData("fast", false)]
    [InlineData("99999999999999", false)]
    [InlineData("99999999999999 parsecs", false)]
    public void A_duration_beyond_the_longest_a_value_holds_is_told_apart_from_a_bad_spelling(string text, bool tooLong)
    {
        Assert.Equal(tooLong, UnitSyntax.IsTooLongDuration(text));
        Assert.False(tooLong && UnitSyntax.TryParseDuration(text, out _));
    }

    [Fact]
    public void The_longest_duration_is_named_in_whole_hours_and_parses()
    {
        Assert.Equal("256204778h", UnitSyntax.MaxDurationText);
        Assert.True(UnitSyntax.TryParseDuration(UnitSyntax.MaxDurationText, out var longest));
        Assert.True(longest <= UnitSyntax.MaxDuration && UnitSyntax.MaxDuration - longest < TimeSpan.FromHours(1));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(60_000, "60s")]
    [InlineData(7_200_000, "7200s")]
    [InlineData(250, "250ms")]
    [InlineData(1500, "1500ms")]
    public void Durations_are_written_in_seconds_or_finer(double ms, string text) =>
        Assert.Equal(text, UnitSyntax.FormatDuration(TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void A_duration_finer_than_a_microsecond_is_written_as_exact_decimal_seconds()
    {
        var odd = TimeSpan.FromTicks(12_345_678);
        Assert.Equal("1.2345678s", UnitSyntax.FormatDuration(odd));
        Assert.True(UnitSyntax.TryParseDuration("1.2345678s", out var back));
        Assert.Equal(odd, back);
    }

    [Theory]
    [InlineData("100B", 100)]
    [InlineData("100", 100)]
    [InlineData("1KB", 1024)]
    [InlineData("1.5KB", 1536)]
    [InlineData("2MB", 2 * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    public void Sizes_use_binary_multiples(string text, long bytes)
    {
        Assert.True(UnitSyntax.TryParseSize(text, out long value));
        Assert.Equal(bytes, value);
        Assert.True(UnitSyntax.TryParseSize(UnitSyntax.FormatSize(value), out long back));
        Assert.Equal(bytes, back);
    }

    [Theory]
    [InlineData("1KG")]
    [InlineData("0.1B")]
    [InlineData("KB")]
    public void Sizes_with_a_bad_unit_or_a_fraction_of_a_byte_are_refused(string text) =>
        Assert.False(UnitSyntax.TryParseSize(text, out _));

    [Theory]
    [InlineData("500/s", 500, false)]
    [InlineData("60/m", 1, false)]
    [InlineData("2.5/s", 2.5, false)]
    [InlineData("1MB/s", 1048576, true)]
    [InlineData("100B/s", 100, true)]
    public void Rates_are_per_second_and_a_size_makes_them_bytes(string text, double perSecond, bool bytes)
    {
        Assert.True(UnitSyntax.TryParseRate(text, allowBytes: true, out double value, out bool isBytes));
        Assert.Equal((perSecond, bytes), (value, isBytes));
    }

    [Fact]
    public void A_byte_rate_is_refused_where_only_event_rates_make_sense()
    {
        Assert.False(UnitSyntax.TryParseRate("1MB/s", allowBytes: false, out _, out _));
        Assert.False(UnitSyntax.TryParseRate("500", allowBytes: true, out _, out _));
        Assert.False(UnitSyntax.TryParseRate("500/h", allowBytes: true, out _, out _));
    }

    [Theory]
    [InlineData("0.01", 0.01)]
    [InlineData("1%", 0.01)]
    [InlineData("30%", 0.3)]
    [InlineData("100%", 1)]
    [InlineData("0", 0)]
    [InlineData("1e-3", 0.001)]
    public void Probabilities_are_fractions_or_percentages(string text, double p)
    {
        Assert.True(UnitSyntax.TryParseProbability(text, out double value));
        Assert.Equal(p, value);
    }
}

public class UnitSyntaxRoundTripTests
{
    [Fact]
    public void Any_duration_size_and_number_written_reads_back_unchanged()
    {
        // A seeded sweep rather than a property-testing library: the same 30,000 cases every run.
        var random = new TcpActors.Runtime.RandomStream(2026, 11);
        for (int i = 0; i < 10_000; i++)
        {
            var duration = TimeSpan.FromTicks((long)(random.NextUInt64() >> (int)(1 + random.NextUInt32(60))));
            Assert.True(UnitSyntax.TryParseDuration(UnitSyntax.FormatDuration(duration), out var d), UnitSyntax.FormatDuration(duration));
            Assert.Equal(duration, d);

            long bytes = (long)(random.NextUInt64() >> (int)(2 + random.NextUInt32(61)));
            Assert.True(UnitSyntax.TryParseSize(UnitSyntax.FormatSize(bytes), out long b));
            Assert.Equal(bytes, b);

            double p = random.NextDouble();
            Assert.True(UnitSyntax.TryParseProbability(UnitSyntax.FormatNumber(p), out double q));
            Assert.Equal(p, q);
        }
    }
}
