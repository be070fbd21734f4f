using System.Globalization;
using System.Text;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Cli.Live;

/// <summary>
/// The live view for logs and pipes: one plain line per redraw, such as
/// <c>[ 42%] t=50.0s/120s established=0 time_wait=9,998 last_ack=2 | segments sent=… dropped=… | events=…</c>.
/// States with no endpoints are left out, except TIME_WAIT, which is what people grep for.
/// </summary>
internal static class ProgressLines
{
    /// <summary>The line for <paramref name="s"/>.</summary>
    public static string Format(LiveSnapshot s)
    {
        var line = new StringBuilder(160);
        var c = CultureInfo.InvariantCulture;
        double fraction = s.Duration > TimeSpan.Zero ? Math.Clamp(s.Now / s.Duration, 0, 1) : 1;
        line.Append(c, $"[{fraction * 100,3:0}%] t={s.Now.TotalSeconds:0.0}s/{s.Duration.TotalSeconds:0.#}s");
        foreach (TcpState state in TcpStateNames.All)
        {
            long n = s[state];
            if (n != 0 || state == TcpState.TimeWait) line.Append(c, $" {state.ToMetricName()}={n:N0}");
        }
        line.Append(c, $" | segments sent={s.Segments.Sent:N0} dropped={s.Segments.Dropped:N0} retransmitted={s.Segments.Retransmitted:N0}");
        line.Append(c, $" | events={s.Events:N0}");
        return line.ToString();
    }
}
