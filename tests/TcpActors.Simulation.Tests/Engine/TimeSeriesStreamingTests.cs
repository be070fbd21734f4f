using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>timeseries.csv is written as the samples come; the report holds a bounded copy for the charts.</summary>
public class TimeSeriesStreamingTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_long_run_streams_every_sample_to_the_csv_and_holds_a_bounded_copy_that_keeps_every_peak(string engine)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tcpactors-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // Two hours at 1 s: 7,201 samples, more than the run's series holds.
            var scenario = Runs.BuiltIn("churn-time-wait").WithCouples(200).WithDuration(TimeSpan.FromHours(2));
            RunReport report;
            using (var csv = TimeSeriesCsvWriter.Create(dir))
            {
                report = Runs.Run(scenario, engine, new SimulationOptions { TimeSeriesSink = csv });
                RunDirectory.Write(report, dir, csv);
            }

            string[] lines = File.ReadAllLines(Path.Combine(dir, RunDirectory.TimeSeriesFile));
            Assert.Equal(RunDirectory.CsvHeader, lines[0]);
            Assert.Equal(7_201, lines.Length - 1);
            Assert.Equal(7_201, report.TimeSeries.Samples);
            Assert.InRange(report.TimeSeries.Rows, 2, RunCensus.ChartRows);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

            // Read back whole, the streamed file gives the digest the run computed as it went.
            var read = RunDirectory.Read(dir);
            Assert.Equal(7_201, read.TimeSeries.Rows);
            Assert.Equal(report.Digest, ReportDigest.Compute(read));

            foreach (TcpState state in TcpStateNames.All)
            {
                long heldMax = 0, fileMax = 0;
                for (int row = 0; row < report.TimeSeries.Rows; row++) heldMax = Math.Max(heldMax, report.TimeSeries.Max(row, state));
                for (int row = 0; row < read.TimeSeries.Rows; row++) fileMax = Math.Max(fileMax, read.TimeSeries.Max(row, state));
                Assert.Equal(report.Peaks[state.ToMetricName()].Count, heldMax);
                Assert.Equal(heldMax, fileMax);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_bounded_series_merges_neighbours_keeping_the_lowest_minimum_the_highest_maximum_and_the_later_sample()
    {
        var series = new TimeSeries(maxRows: 4);
        Span<long> counts = stackalloc long[TcpStateNames.Count];
        for (int i = 1; i <= 10; i++)
        {
            counts[(int)TcpState.TimeWait] = i == 3 ? 100 : i;
            series.Add(TimeSpan.FromSeconds(i), counts);
        }

        // 10 samples in at most 4 rows: strides of 4, the last row partly filled.
        Assert.Equal(3, series.Rows);
        Assert.Equal(10, series.Samples);
        Assert.Equal(TimeSpan.FromSeconds(4), series.TimeAt(0));
        Assert.Equal(4, series.Count(0, TcpState.TimeWait));
        Assert.Equal(100, series.Max(0, TcpState.TimeWait));
        Assert.Equal(1, series.Min(0, TcpState.TimeWait));
        Assert.Equal(TimeSpan.FromSeconds(10), series.TimeAt(2));
        Assert.Equal(9, series.Min(2, TcpState.TimeWait));
    }
}
