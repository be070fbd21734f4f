namespace TcpActors.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>
    /// Where a run's wall time goes, phase by phase, on stderr when <c>TCPACTORS_TIMINGS=1</c>
    /// (docs/performance.md, "Telemetry"): the cost of telemetry is fixed set-up and tear-down
    /// around the simulation, which this makes visible without a profiler.
    /// </summary>
    private sealed class PhaseTimings(TextWriter error)
    {
        /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux).</summary>
        private const double UserHz = 100;

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _last;

        public static PhaseTimings? FromEnvironment(TextWriter error) =>
            Environment.GetEnvironmentVariable("TCPACTORS_TIMINGS") == "1" ? new PhaseTimings(error) : null;

        public void Mark(string phase)
        {
            lock (_gate) MarkNow(phase);
        }

        private void MarkNow(string phase)
        {
            TimeSpan now = _clock.Elapsed;
            var process = System.Diagnostics.Process.GetCurrentProcess();
            error.WriteLine($"timings: {phase,-24} +{(now - _last).TotalMilliseconds,7:0} ms  at {now.TotalMilliseconds,7:0} ms since the command started ({(DateTime.Now - process.StartTime).TotalMilliseconds:0} ms since the process did), cpu {process.TotalProcessorTime.TotalMilliseconds:0} ms");
            _last = now;
        }

        /// <summary>The calling thread's CPU time so far (Linux), before it ends: the run's own thread is gone by the time <see cref="Threads"/> looks.</summary>
        public void ThisThread(string what)
        {
            if (!File.Exists("/proc/thread-self/stat")) return;
            string stat = File.ReadAllText("/proc/thread-self/stat");
            lock (_gate) error.WriteLine($"timings: thread ({what}) cpu {CpuMilliseconds(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')),6:0} ms");
        }

        /// <summary>utime + stime (fields 14 and 15 of proc(5)), from the fields after the command name.</summary>
        private static double CpuMilliseconds(string[] fields) =>
            (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 1000 / UserHz;

        /// <summary>CPU time per thread so far (Linux: /proc/self/task), the busiest first: which of the SDK's, Kestrel's or the run's threads spent it.</summary>
        public void Threads()
        {
            if (!Directory.Exists("/proc/self/task")) return;
            var rows = new List<(string Name, double Ms, string Nice)>();
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                    string[] fields = stat[(close + 2)..].Split(' ');
                    rows.Add((stat[(open + 1)..close], CpuMilliseconds(fields), fields[16])); // field 19 of proc(5): nice
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
            rows.Sort((a, b) => b.Ms.CompareTo(a.Ms));
            foreach (var (name, ms, nice) in rows) if (ms > 0) error.WriteLine($"timings: thread {name,-16} cpu {ms,6:0} ms  nice {nice}");
        }
    }
}
