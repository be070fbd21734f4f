using System.Diagnostics;
using TcpActors.Simulation.Swarm;

namespace TcpActors.Cli.Swarm;

/// <summary>
/// The swarm's progress bar: redrawn in place on a terminal (<c>[#####-----]  50% 500/1000 seeds, 0 failed</c>),
/// one line per tenth of the seeds when output is a pipe or a log, nothing when quiet. Called from
/// worker threads one at a time (the runner serializes the calls).
/// </summary>
internal sealed class SwarmProgress(TextWriter output, int total, SwarmProgress.Mode mode)
{
    /// <summary>How progress is shown.</summary>
    public enum Mode
    {
        /// <summary>A bar redrawn in place.</summary>
        Terminal,
        /// <summary>A plain line per tenth of the seeds.</summary>
        Lines,
        /// <summary>Nothing.</summary>
        Quiet,
    }

    private const int Width = 30;
    private static readonly TimeSpan s_redrawEvery = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private int _done;
    private int _failed;
    private int _lastTenth;

    public void OnSeed(SeedResult seed)
    {
        _done++;
        if (!seed.Passed) _failed++;
        switch (mode)
        {
            case Mode.Terminal:
                if (_done == total || _wall.Elapsed - _lastDraw >= s_redrawEvery)
                {
                    _lastDraw = _wall.Elapsed;
                    output.Write('\r' + Line());
                    output.Flush();
                }
                break;
            case Mode.Lines:
                int tenth = total == 0 ? 10 : _done * 10 / total;
                if (tenth > _lastTenth)
                {
                    _lastTenth = tenth;
                    output.WriteLine(Line());
                }
                break;
        }
    }

    public void Finish()
    {
        if (mode == Mode.Terminal && _done > 0) output.WriteLine();
    }

    private string Line()
    {
        int filled = total == 0 ? Width : _done * Width / total;
        return $"[{new string('#', filled)}{new string('-', Width - filled)}] {_done * 100 / Math.Max(1, total),3}% {_done}/{total} seeds, {_failed} failed, {_wall.Elapsed.TotalSeconds:0.0}s";
    }
}
