using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>Exact high-water marks (DESIGN.md §7 <c>peaks</c>): kept on every transition, never read from samples.</summary>
public class CensusTests
{
    private static TcpActors.Simulation.Scenarios.Scenario SimultaneousClose(int couples, TimeSpan sampleEvery) =>
        Runs.BuiltIn("simultaneous-close").WithCouples(couples) is var s
            ? s with { Run = s.Run with { SampleEvery = sampleEvery } }
            : throw new InvalidOperationException();

    public static TheoryData<string, int> SampleIntervalsMs => Engines.Cross(1000, 10);

    [Theory]
    [MemberData(nameof(SampleIntervalsMs))]
    public void Simultaneous_close_shows_both_ends_of_every_couple_in_closing_whatever_the_sample_interval(string engine, int sampleEveryMs)
    {
        var report = Runs.Run(SimultaneousClose(200, TimeSpan.FromMilliseconds(sampleEveryMs)), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(400, report.Peaks["closing"].Count);
        // Both FINs cross the 20 ms network: CLOSING begins one delay after the close at 10 s.
        Assert.Equal(10.02, report.Peaks["closing"].At, 9);
        Assert.Equal(400, report.Peaks["time_wait"].Count);
        Assert.Equal(10.04, report.Peaks["time_wait"].At, 9);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_state_held_between_two_samples_shows_in_the_interval_maximum_of_the_sample_after_it(string engine)
    {
        var report = Runs.Run(SimultaneousClose(200, TimeSpan.FromSeconds(1)), engine);
        var series = report.TimeSeries;

        int row = RowAt(series, 11);
        Assert.Equal(0, series.Count(row, TcpState.Closing));
        Assert.Equal(400, series.Max(row, TcpState.Closing));
        Assert.Equal(0, series.Min(row, TcpState.Closing));
        Assert.Equal(0, series.Max(RowAt(series, 10), TcpState.Closing));
        Assert.Equal(0, series.Max(RowAt(series, 12), TcpState.Closing));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Every_interval_minimum_and_maximum_bracket_the_sample_that_ends_it_and_the_highest_maximum_is_the_peak(string engine)
    {
        var report = Runs.Run(Runs.BuiltIn("teardown-storm").WithCouples(1_000).WithDuration(TimeSpan.FromSeconds(90)), engine);
        var series = report.TimeSeries;

        foreach (TcpState state in TcpStateNames.All)
        {
            long highest = 0;
            for (int row = 0; row < series.Rows; row++)
            {
                Assert.InRange(series.Count(row, state), series.Min(row, state), series.Max(row, state));
                if (row > 0) Assert.InRange(series.Count(row - 1, state), series.Min(row, state), series.Max(row, state));
                highest = Math.Max(highest, series.Max(row, state));
            }
            Assert.Equal(highest, report.Peaks[state.ToMetricName()].Count);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_peak_is_dated_at_the_first_instant_it_was_reached(string engine)
    {
        var report = Runs.Run(SimultaneousClose(200, TimeSpan.FromSeconds(1)), engine);

        // TIME_WAIT holds 400 from 10.04 s for 60 s: the first of those instants.
        Assert.Equal(10.04, report.Peaks["time_wait"].At, 9);
        // ESTABLISHED reaches its peak when the last couple of the 2 s opening is connected, and stays there.
        Assert.InRange(report.Peaks["established"].At, 1.9, 2.1);
        Assert.Equal(400, report.Peaks["established"].Count);
    }

    /// <summary>
    /// Shards split the client hosts and each holds a replica of every server (DESIGN.md §3 until
    /// hosts are partitioned), so listeners are counted once per shard, and a lossy network draws
    /// its losses per shard. Without loss or jitter every couple lives the same life at any shard
    /// count, so every state but LISTEN must show the same peak, at the same instant, at four
    /// shards as at one — which only holds if the shards' steps are merged in time order (the
    /// sum of four shards' own peaks would be the same number here only by luck of alignment).
    /// </summary>
    public static TheoryData<string, int> ThreadCounts => Engines.Cross(1, 4);

    [Theory]
    [MemberData(nameof(ThreadCounts))]
    public void A_storm_at_four_shards_reports_the_peaks_of_one_shard(string engine, int threads)
    {
        var storm = Runs.BuiltIn("teardown-storm").WithCouples(2_000).WithDuration(TimeSpan.FromSeconds(90));
        storm = storm with { Network = storm.Network with { Baseline = storm.Network.Baseline with { Loss = TcpActors.Simulation.Network.LossSpec.None, Jitter = TimeSpan.Zero } } };
        var one = Runs.Run(storm.WithShards(1), engine);
        var four = Runs.Run(storm.WithShards(4), engine, new SimulationOptions { Threads = threads });

        Runs.AssertInvariantsHold(four);
        foreach (TcpState state in TcpStateNames.All)
        {
            if (state == TcpState.Listen) continue;
            string name = state.ToMetricName();
            Assert.True(one.Peaks[name] == four.Peaks[name], $"{name}: one shard {one.Peaks[name]}, four shards {four.Peaks[name]}");
        }
        Assert.Equal(2_000, four.Peaks["time_wait"].Count);
        for (int row = 0; row < one.TimeSeries.Rows; row++)
        {
            foreach (TcpState state in (ReadOnlySpan<TcpState>)[TcpState.TimeWait, TcpState.FinWait1, TcpState.FinWait2, TcpState.CloseWait, TcpState.LastAck])
            {
                Assert.Equal(one.TimeSeries.Max(row, state), four.TimeSeries.Max(row, state));
                Assert.Equal(one.TimeSeries.Min(row, state), four.TimeSeries.Min(row, state));
            }
        }
    }

    private static int RowAt(Telemetry.TimeSeries series, double seconds)
    {
        for (int row = 0; row < series.Rows; row++)
        {
            if (Math.Abs(series.TimeAt(row).TotalSeconds - seconds) < 1e-9) return row;
        }
        throw new ArgumentException($"no sample at {seconds}s");
    }
}
