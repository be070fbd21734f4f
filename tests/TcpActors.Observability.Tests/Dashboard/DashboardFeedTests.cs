using System.Text.Json;
using System.Threading.Channels;
using TcpActors.Observability.Dashboard;
using TcpActors.Simulation;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// The feed between the run and the browsers: the run only files samples; a background pump turns
/// them into JSON and sends them in batches, so a virtual-time run streams as fast as it goes.
/// </summary>
public sealed class DashboardFeedTests
{
    /// <summary>Publishes each sample to the feed, and runs <c>atSample</c> on the run's thread after sample <c>n</c>.</summary>
    private sealed class FeedObserver(DashboardFeed feed, int n = -1, Action? atSample = null) : IRunObserver
    {
        private int _samples;

        public void OnSample(LiveSnapshot snapshot)
        {
            feed.Publish(snapshot);
            if (_samples++ == n) atSample?.Invoke();
        }
    }

    /// <summary>Reads events (name, data) until the end event; every read is bounded.</summary>
    private static async Task<List<(string Name, string Data)>> ReadToEnd(Channel<string> channel)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(string, string)>();
        while (true)
        {
            string message = await channel.Reader.ReadAsync(limit.Token);
            // One event per message: "event: NAME\ndata: JSON\n\n".
            string[] lines = message.Split('\n');
            events.Add((lines[0]["event: ".Length..], lines[1]["data: ".Length..]));
            if (events[^1].Item1 == "end") return events;
        }
    }

    [Fact]
    public async Task A_virtual_time_run_streams_every_sample_in_order_and_the_end_after_the_last_to_early_and_late_browsers()
    {
        var scenario = SmallStorm.Scenario();
        var feed = new DashboardFeed(scenario, control: null, timeScale: null);
        var early = feed.Subscribe();
        Channel<string>? late = null;
        // The late browser connects on the run's thread right after the sample of t = 40 s.
        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = new FeedObserver(feed, n: 40, atSample: () => late = feed.Subscribe()) });
        feed.Complete(report);

        var fromStart = await ReadToEnd(early);
        var fromMiddle = await ReadToEnd(late!);
        feed.Close();

        Assert.Equal(("history", "[]"), fromStart[0]);
        double[] times = [.. fromStart.Where(e => e.Name == "sample").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("t").GetDouble())];
        Assert.Equal(Enumerable.Range(0, 81).Select(t => (double)t), times);
        Assert.Equal(report.Digest, JsonDocument.Parse(fromStart[^1].Data).RootElement.GetProperty("digest").GetString());

        Assert.Equal("history", fromMiddle[0].Name);
        Assert.Equal(41, JsonDocument.Parse(fromMiddle[0].Data).RootElement.GetArrayLength()); // t = 0 … 40 s
        double[] later = [.. fromMiddle.Where(e => e.Name == "sample").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("t").GetDouble())];
        Assert.Equal(Enumerable.Range(41, 40).Select(t => (double)t), later);
        Assert.Equal("end", fromMiddle[^1].Name);
    }

    [Fact]
    public void Samples_nobody_follows_are_filed_without_being_turned_into_json_until_a_browser_connects()
    {
        var scenario = SmallStorm.Scenario();
        var feed = new DashboardFeed(scenario, control: null, timeScale: null);
        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = new FeedObserver(feed) });
        feed.Complete(report);

        Assert.Equal(0, feed.RenderedSamples);
        Assert.Equal(TimeSpan.FromSeconds(80), feed.Latest!.Now);

        var channel = feed.Subscribe();
        Assert.True(channel.Reader.TryRead(out string? history));
        Assert.Equal(81, JsonDocument.Parse(history!.Split('\n')[1]["data: ".Length..]).RootElement.GetArrayLength());
        Assert.Equal(81, feed.RenderedSamples);
        feed.Close();
    }
}
