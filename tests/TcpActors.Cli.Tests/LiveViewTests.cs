using Spectre.Console;
using TcpActors.Cli.Live;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Cli.Tests;

/// <summary>The live view draws a snapshot: progress in virtual time, every state's count, segments and outcomes.</summary>
public class LiveViewTests
{
    private static readonly RunHeading Heading = new("teardown-storm", 42, "linux", 10_000, 1, "1 shard", 1);

    private static LiveSnapshot MidStorm()
    {
        var counts = new long[TcpStateNames.Count];
        counts[(int)TcpState.Listen] = 1;
        counts[(int)TcpState.LastAck] = 37;
        counts[(int)TcpState.TimeWait] = 9_963;
        return new LiveSnapshot
        {
            Now = TimeSpan.FromSeconds(30),
            Duration = TimeSpan.FromSeconds(120),
            StateCounts = counts,
            Segments = new SegmentCounts { Sent = 123_456, Delivered = 122_222, Dropped = 1_234, Retransmitted = 1_300 },
            Resets = new ResetCounts(),
            ConnectOutcomes = new ConnectOutcomeCounts { Established = 10_000 },
            TimeWaitOverflow = 0,
            Events = 250_000,
        };
    }

    private static string Draw(Spectre.Console.Rendering.IRenderable view)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 140;
        console.Write(view);
        return text.ToString();
    }

    [Fact]
    public void The_terminal_view_shows_progress_in_virtual_time_and_every_state_count()
    {
        string drawn = Draw(SnapshotView.Render(Heading, MidStorm(), TimeSpan.FromSeconds(2)));

        Assert.Contains("teardown-storm: 10,000 couples, seed 42, profile linux", drawn, StringComparison.Ordinal);
        Assert.Contains("25%", drawn, StringComparison.Ordinal);
        Assert.Contains("30.0 s of 120 s virtual", drawn, StringComparison.Ordinal);
        foreach (TcpState state in TcpStateNames.All) Assert.Contains(state.ToMetricName(), drawn, StringComparison.Ordinal);
        Assert.Contains("9,963", drawn, StringComparison.Ordinal);
        Assert.Contains("123,456", drawn, StringComparison.Ordinal);
        Assert.Contains("port_exhausted", drawn, StringComparison.Ordinal);
        Assert.Contains("125,000 events/s", drawn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_storm_between_two_frames_still_shows_as_its_peak_and_the_bars_keep_the_run_scale()
    {
        var latest = new LatestSnapshot();
        var storm = MidStorm();
        latest.OnSample(storm);
        // The next frame comes after TIME_WAIT drained: only the peak so far remembers it.
        var counts = new long[TcpStateNames.Count];
        counts[(int)TcpState.Listen] = 1;
        counts[(int)TcpState.TimeWait] = 10;
        latest.OnSample(new LiveSnapshot
        {
            Now = TimeSpan.FromSeconds(90), Duration = storm.Duration, StateCounts = counts, Segments = storm.Segments,
            Resets = storm.Resets, ConnectOutcomes = storm.ConnectOutcomes, TimeWaitOverflow = 0, Events = storm.Events,
        });

        string drawn = Draw(SnapshotView.Render(Heading, latest.Current, TimeSpan.FromSeconds(3), latest.PeaksSoFar()));

        Assert.Contains("time_wait (9,963)", drawn, StringComparison.Ordinal);
        Assert.Contains("last_ack (37)", drawn, StringComparison.Ordinal);
        // Scaled to 9,963, ten TIME_WAIT endpoints make no visible bar (they would fill the width if scaled to this frame).
        string timeWaitRow = drawn.Split('\n').Single(l => l.Contains("time_wait (", StringComparison.Ordinal));
        Assert.DoesNotContain("█████", timeWaitRow, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_first_sample_the_view_says_it_is_starting()
    {
        string drawn = Draw(SnapshotView.Render(Heading, null, TimeSpan.Zero));

        Assert.Contains("starting", drawn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_progress_line_names_the_busy_states_and_always_time_wait()
    {
        string line = ProgressLines.Format(MidStorm());

        Assert.Equal(
            "[ 25%] t=30.0s/120s listen=1 last_ack=37 time_wait=9,963 | segments sent=123,456 dropped=1,234 retransmitted=1,300 | events=250,000",
            line);
    }

    [Fact]
    public void The_latest_snapshot_is_the_last_one_published()
    {
        var latest = new LatestSnapshot();
        var first = MidStorm();
        var second = MidStorm();

        latest.OnSample(first);
        latest.OnSample(second);

        Assert.Same(second, latest.Current);
        Assert.Equal(2, latest.Samples);
    }
}
