using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Xml.Linq;
using TcpActors.Observability.Html;
using TcpActors.Observability.Logging;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability.Tests;

/// <summary>
/// One run with scheduled and live chaos, seen from everything that shows it: log.json, the
/// <c>tcpactors.chaos.active</c> gauge and report.html — each says the same windows as report.json.
/// </summary>
[Collection(MeterCollection.Name)]
public sealed class ChaosOnTheRecordTests
{
    /// <summary>30% loss from 3 s to 6 s and server 0 down from 8 s to 10 s (scheduled); a partition from 12 s to 14 s (live).</summary>
    private static Scenario Scenario() => TestRuns.SmallStorm(couples: 40, durationSeconds: 20,
        chaos: "[ { at: 3s, for: 3s, loss: 0.3 }, { at: 8s, crash: server-0, restart_after: 2s } ]") with { Name = "chaos-on-the-record" };

    private static LiveChange[] Partition()
    {
        var partition = new LiveChaos { Kind = LiveChaosKind.Partition };
        return [new LiveChange { TSeconds = 12, Id = 1, Apply = true, Chaos = partition }, new LiveChange { TSeconds = 14, Id = 1, Apply = false, Chaos = partition }];
    }

    [Fact]
    public void Log_json_says_when_each_window_starts_and_ends_scheduled_or_live_with_its_kind_targets_parameters_and_source()
    {
        string directory = Directory.CreateTempSubdirectory("tcpactors-chaos-log-").FullName;
        try
        {
            string file = Path.Combine(directory, RunLog.FileName);
            var live = LiveControl.Replay(Partition());
            RunReport report;
            using (var telemetry = RunTelemetry.Start(Scenario(), new TelemetryOptions { LogFile = file, PeopleLog = false, LiveControl = live }))
            {
                report = SimulationRunner.Run(Scenario(), new SimulationOptions { Observer = telemetry, LiveControl = live });
                telemetry.OnCompleted(report);
            }
            var chaos = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.GetProperty("@mt").GetString()!.StartsWith("Chaos:", StringComparison.Ordinal)).ToList();

            Assert.Equal(
            [
                "Chaos: loss started at t=3 s, for 3 s",
                "Chaos: loss ended at t=6 s",
                "Chaos: crash started at t=8 s, for 2 s",
                "Chaos: crash ended at t=10 s",
                "Chaos: partition started at t=12 s, until removed",
                "Chaos: partition ended at t=14 s",
            ], chaos.Select(e => e.GetProperty("@m").GetString()));
            Assert.Equal(["schedule", "schedule", "schedule", "schedule", "api", "api"], chaos.Select(e => e.GetProperty("Source").GetString()));
            JsonElement loss = chaos[0];
            Assert.Equal(["clients", "servers"], loss.GetProperty("Targets").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("0.3", loss.GetProperty("Parameters").GetProperty("loss").GetString());
            Assert.Equal("loss 0.3", loss.GetProperty("Label").GetString());
            Assert.Equal(["server-0"], chaos[2].GetProperty("Targets").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(1, chaos[4].GetProperty("ChaosId").GetInt32());
            Assert.Equal(14, chaos[5].GetProperty("UntilSeconds").GetDouble());
            // The same windows as report.json's chaos.
            Assert.Equal(report.Chaos.Select(w => (w.At, w.Until)), [(3.0, (double?)6.0), (8.0, 10.0), (12.0, 14.0)]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_chaos_active_gauge_is_1_during_each_window_of_its_kind_and_0_before_and_after()
    {
        var live = LiveControl.Replay(Partition());
        using var metrics = new RunMetrics("chaos-on-the-record", "0", new ChaosProgress(Scenario(), live));
        var seen = new Dictionary<(string Kind, double T), int>();
        double now = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == TcpActorsMetrics.ChaosActive) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            string? kind = null, scenario = null;
            foreach (var tag in tags)
            {
                if (tag.Key == TcpActorsMetrics.KindAttribute) kind = (string?)tag.Value;
                if (tag.Key == TcpActorsMetrics.ScenarioAttribute) scenario = (string?)tag.Value;
            }
            if (scenario == "chaos-on-the-record") seen[(kind!, now)] = value;
        });
        listener.Start();

        var report = SimulationRunner.Run(Scenario(), new SimulationOptions { LiveControl = live, Observer = new Sampled(snapshot =>
        {
            metrics.OnSample(snapshot);
            now = snapshot.Now.TotalSeconds;
            listener.RecordObservableInstruments();
        }) });
        metrics.OnEnded(TimeSpan.FromSeconds(report.VirtualSeconds));
        now = -1;
        listener.RecordObservableInstruments();

        int[] Series(string kind) => [.. Enumerable.Range(0, 21).Select(t => seen[(kind, t)])];
        Assert.Equal([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Series("loss"));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Series("crash"));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0], Series("partition"));
        Assert.Equal(0, seen[("delay", 5)]);
        // After the run every kind reads 0.
        Assert.All(new[] { "loss", "crash", "partition", "delay" }, kind => Assert.Equal(0, seen[(kind, -1)]));
    }

    [Fact]
    public void Report_html_shades_every_window_on_every_time_chart_with_its_label()
    {
        RunReport report = SimulationRunner.Run(Scenario(), new SimulationOptions { LiveControl = LiveControl.Replay(Partition()) });

        var doc = XDocument.Parse(HtmlReport.Render(report, []));
        XNamespace s = "http://www.w3.org/2000/svg";
        var charts = doc.Descendants(s + "svg").Where(e => (string?)e.Attribute("class") == "chart").ToList();
        Assert.Equal(2, charts.Count);
        foreach (var chart in charts)
        {
            var windows = chart.Descendants(s + "g").Where(e => (string?)e.Attribute("class") == "chaos-window").ToList();
            Assert.Equal(["loss 0.3", "crash server-0", "partition"], windows.Select(w => w.Elements(s + "text").Single().Value));
            Assert.Equal(["schedule", "schedule", "api"], windows.Select(w => (string?)w.Attribute("data-source")));
            // The chart spans 0 … 20 s over 640 px from x = 70: the loss band covers 3 … 6 s.
            var band = windows[0].Element(s + "rect")!;
            Assert.Equal(70 + 3 * 32.0, double.Parse(band.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture), 1);
            Assert.Equal(3 * 32.0, double.Parse(band.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture), 1);
            // Under the lines: the bands come before every series.
            var order = chart.Elements(s + "g").Select(e => (string?)e.Attribute("class")).ToList();
            Assert.True(order.IndexOf("chaos") < order.FindIndex(c => c is not null && c.StartsWith("series", StringComparison.Ordinal)));
        }
        XNamespace x = "http://www.w3.org/1999/xhtml";
        var table = doc.Descendants(x + "table").Single(t => (string?)t.Attribute("class") == "chaos");
        Assert.Equal(4, table.Elements(x + "tr").Count()); // a header and three windows
        Assert.Contains("api #1", table.Value, StringComparison.Ordinal);
    }

    private sealed class Sampled(Action<LiveSnapshot> onSample) : IRunObserver
    {
        public void OnSample(LiveSnapshot snapshot) => onSample(snapshot);
    }
}
