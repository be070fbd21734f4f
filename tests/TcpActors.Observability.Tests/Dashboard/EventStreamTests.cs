using System.Text.Json;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary><c>GET /api/events</c>: Server-Sent Events a late page can pick up from.</summary>
public sealed class EventStreamTests
{
    /// <summary>Reads the stream's events (name, data) until <paramref name="until"/> says stop; bounded by the client's timeout.</summary>
    private static async Task<List<(string Name, string Data)>> ReadEvents(HttpClient client, Func<string, bool> until)
    {
        var events = new List<(string, string)>();
        using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string name = "message";
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name, line["data: ".Length..]));
                if (until(name)) break;
            }
        }
        return events;
    }

    [Fact]
    public async Task A_page_that_connects_late_gets_the_history_then_every_sample_then_the_end()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), holdAt: TimeSpan.FromSeconds(5));
        var reading = ReadEvents(run.Client, name => name == "end");
        // The history is sent on connect; give the stream its first event before the run goes on.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!reading.IsCompleted && DateTime.UtcNow < deadline && run.Server.Subscribers == 0) await Task.Delay(20);

        var report = run.Finish();
        var events = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("history", events[0].Name);
        var history = JsonDocument.Parse(events[0].Data).RootElement;
        Assert.Equal(6, history.GetArrayLength()); // t = 0 … 5 s
        var samples = events.Where(e => e.Name == "sample").Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal(75, samples.Count); // t = 6 … 80 s
        Assert.Equal(80.0, samples[^1].GetProperty("t").GetDouble());
        Assert.Equal(report.StatesFinal["time_wait"], samples[^1].GetProperty("states")[10].GetInt64());
        var end = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal(report.Digest, end.GetProperty("digest").GetString());
    }
}
