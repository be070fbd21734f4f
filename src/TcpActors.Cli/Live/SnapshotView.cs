using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Cli.Live;

/// <summary>
/// Draws one <see cref="LiveSnapshot"/> for a terminal: a progress bar in virtual time, a bar chart
/// of endpoints per TCP state, and tables of segments and connect outcomes. Pure: the same snapshot
/// gives the same drawing, so it can be checked without a terminal.
/// </summary>
internal static class SnapshotView
{
    private const int BarWidth = 40;

    // One colour per state family: opening (blue), open (green), closing (yellow/orange), the
    // TIME_WAIT everyone watches (red), closed (grey).
    private static readonly Color[] s_stateColors =
    [
        Color.Grey, Color.Grey70, Color.SteelBlue1, Color.DeepSkyBlue1, Color.Green, Color.Yellow,
        Color.Gold1, Color.Orange1, Color.DarkOrange, Color.OrangeRed1, Color.Red,
    ];

    /// <summary>The whole live view for <paramref name="snapshot"/> (null: before the first sample).</summary>
    /// <param name="peaksSoFar">Each state's highest count so far (<see cref="LatestSnapshot.PeaksSoFar"/>): the bars' scale and the peaks shown.</param>
    public static IRenderable Render(RunHeading heading, LiveSnapshot? snapshot, TimeSpan wall, IReadOnlyList<long>? peaksSoFar = null)
    {
        var title = new Markup($"[bold]{Markup.Escape(heading.ToString())}[/]");
        if (snapshot is null)
            return new Rows(title, new Markup("[grey]starting…[/]"));

        return new Rows(
            title,
            new Markup(ProgressLine(snapshot, wall)),
            new Text(""),
            States(snapshot, peaksSoFar),
            new Columns(Segments(snapshot), Outcomes(snapshot)) { Expand = false });
    }

    /// <summary>A bar of virtual time done, with the rate the run goes at on the wall clock.</summary>
    public static string ProgressLine(LiveSnapshot s, TimeSpan wall)
    {
        double fraction = s.Duration > TimeSpan.Zero ? Math.Clamp(s.Now / s.Duration, 0, 1) : 1;
        int done = (int)Math.Round(fraction * BarWidth);
        string bar = $"[green]{new string('━', done)}[/][grey23]{new string('━', BarWidth - done)}[/]";
        string speed = wall > TimeSpan.Zero
            ? $", {s.Events / wall.TotalSeconds:N0} events/s, {s.Now.TotalSeconds / wall.TotalSeconds:N1}× real time"
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{bar} {fraction * 100:0}%  [bold]{s.Now.TotalSeconds:0.0} s[/] of {s.Duration.TotalSeconds:0.#} s virtual  [grey]({wall.TotalSeconds:0.0} s wall{speed})[/]");
    }

    /// <summary>Endpoints per TCP state as a bar chart, every state always shown so the rows stay put.</summary>
    /// <remarks>
    /// Scaled to the highest count of the run so far, not of this frame, so a bar does not jump
    /// when another state falls; each state's label carries its peak so far, so a storm that came
    /// and went between two frames is still seen.
    /// </remarks>
    public static BarChart States(LiveSnapshot s, IReadOnlyList<long>? peaksSoFar = null)
    {
        var chart = new BarChart().Width(80).Label("[bold]endpoints per state[/] [grey](peak so far)[/]").LeftAlignLabel()
            .UseValueFormatter((value, _) => value.ToString("N0", CultureInfo.InvariantCulture));
        long scale = 1;
        foreach (TcpState state in TcpStateNames.All)
        {
            long peak = Math.Max(s[state], peaksSoFar is null ? 0 : peaksSoFar[(int)state]);
            scale = Math.Max(scale, peak);
            string label = peak > 0 ? $"{state.ToMetricName()} [grey]({peak.ToString("N0", CultureInfo.InvariantCulture)})[/]" : state.ToMetricName();
            chart.AddItem(label, s[state], s_stateColors[(int)state]);
        }
        return chart.WithMaxValue(scale);
    }

    private static Table Segments(LiveSnapshot s)
    {
        var t = SmallTable("segments");
        Row(t, "sent", s.Segments.Sent);
        Row(t, "delivered", s.Segments.Delivered);
        Row(t, "dropped", s.Segments.Dropped);
        Row(t, "retransmitted", s.Segments.Retransmitted);
        Row(t, "duplicated", s.Segments.Duplicated);
        Row(t, "corrupted", s.Segments.Corrupted);
        Row(t, "resets sent", s.Resets.Sent);
        return t;
    }

    private static Table Outcomes(LiveSnapshot s)
    {
        var t = SmallTable("connect outcomes");
        Row(t, "established", s.ConnectOutcomes.Established);
        Row(t, "refused", s.ConnectOutcomes.Refused);
        Row(t, "timed_out", s.ConnectOutcomes.TimedOut);
        Row(t, "reset", s.ConnectOutcomes.Reset);
        Row(t, "port_exhausted", s.ConnectOutcomes.PortExhausted);
        Row(t, "time_wait overflow", s.TimeWaitOverflow);
        Row(t, "events", s.Events);
        return t;
    }

    private static Table SmallTable(string title)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{title}[/]");
        t.AddColumn("");
        t.AddColumn(new TableColumn("").RightAligned());
        t.HideHeaders();
        return t;
    }

    private static void Row(Table t, string name, long value) =>
        t.AddRow(name, value.ToString("N0", CultureInfo.InvariantCulture));
}
