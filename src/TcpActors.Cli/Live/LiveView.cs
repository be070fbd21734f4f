using Spectre.Console;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Cli.Live;

/// <summary>How <c>tcpactors run</c> shows a run while it goes.</summary>
internal enum LiveMode
{
    /// <summary>Nothing until the summary (<c>--quiet</c>).</summary>
    Quiet,
    /// <summary>A plain progress line every <see cref="LiveView.PlainEvery"/> (output is not a terminal).</summary>
    Lines,
    /// <summary>A Spectre.Console view redrawn in place (an interactive terminal).</summary>
    Terminal,
}

/// <summary>
/// Runs on the CLI thread while the simulation runs on its own: redraws from the newest published
/// snapshot, throttled on the wall clock, until the simulation task ends. Waiting is
/// <see cref="Task.Wait(TimeSpan)"/> on the run itself, so the view returns the moment the run ends.
/// </summary>
internal static class LiveView
{
    /// <summary>Redraw interval of the terminal view: smooth enough, cheap enough.</summary>
    public static readonly TimeSpan TerminalEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>Interval between plain progress lines, so logs stay readable.</summary>
    public static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(1);

    /// <summary>Shows <paramref name="latest"/> in <paramref name="mode"/> until <paramref name="run"/> completes.</summary>
    public static void Follow(Task run, LatestSnapshot latest, LiveMode mode, RunHeading heading, IAnsiConsole console, TextWriter output)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        switch (mode)
        {
            case LiveMode.Quiet:
                WaitQuietly(run);
                break;
            case LiveMode.Lines:
                output.WriteLine(heading.ToString());
                FollowWithLines(run, latest, output);
                break;
            case LiveMode.Terminal:
                console.Live(SnapshotView.Render(heading, null, TimeSpan.Zero))
                    .AutoClear(false)
                    .Overflow(VerticalOverflow.Ellipsis)
                    .Start(ctx =>
                    {
                        while (!Wait(run, TerminalEvery))
                        {
                            ctx.UpdateTarget(SnapshotView.Render(heading, latest.Current, clock.Elapsed, latest.PeaksSoFar()));
                        }
                        ctx.UpdateTarget(SnapshotView.Render(heading, latest.Current, clock.Elapsed, latest.PeaksSoFar()));
                    });
                break;
        }
    }

    private static void FollowWithLines(Task run, LatestSnapshot latest, TextWriter output)
    {
        LiveSnapshot? shown = null;
        // The first sample is printed as soon as it exists (short waits until then), later ones
        // at most once per PlainEvery.
        while (!Wait(run, shown is null ? TimeSpan.FromMilliseconds(50) : PlainEvery))
        {
            var now = latest.Current;
            if (now is null || ReferenceEquals(now, shown)) continue;
            output.WriteLine(ProgressLines.Format(now));
            shown = now;
        }
        if (latest.Current is { } last && !ReferenceEquals(last, shown)) output.WriteLine(ProgressLines.Format(last));
    }

    private static void WaitQuietly(Task run)
    {
        while (!Wait(run, TimeSpan.FromSeconds(1))) { }
    }

    // True when the run has ended (successfully or not; the caller observes its result).
    private static bool Wait(Task run, TimeSpan timeout)
    {
        try
        {
            return run.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true;
        }
    }
}
