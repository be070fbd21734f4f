using System.Runtime.InteropServices;

namespace TcpActors.Observability;

/// <summary>
/// A dedicated thread for telemetry's own work — building the OpenTelemetry meter provider,
/// starting the dashboard's web server, feeding the browsers, the end-of-run export — at a lower
/// scheduling priority than the simulation: when every core is busy (<c>--shards 2</c> on two
/// cores, or other processes), the run goes first and telemetry gets what is left, instead of
/// taking its start-up and JIT time out of the run's wall time.
/// </summary>
/// <remarks>
/// Linux: nice <see cref="Nice"/> for that thread only (<c>setpriority(PRIO_PROCESS, tid)</c>; a
/// Linux thread is a task with its own nice value, see setpriority(2), "BUGS"), and threads it
/// creates inherit it — the SDK's periodic exporter thread, made while the provider is built,
/// among them, and any thread-pool worker the runtime happens to add from such a thread (harmless
/// in the CLI, whose thread pool does only telemetry's work; the run has dedicated threads). Other systems: <see cref="ThreadPriority.BelowNormal"/>. Lowering a priority needs
/// no privilege; if it is refused anyway, the work runs at normal priority.
/// </remarks>
public static class LowPriorityThread
{
    /// <summary>The nice value telemetry's threads run at: CFS gives a nice-10 thread about a tenth of the share of a nice-0 one on a busy core.</summary>
    public const int Nice = 10;

    /// <summary>Runs <paramref name="work"/> on a new low-priority background thread named <paramref name="name"/>.</summary>
    public static Task<T> Start<T>(string name, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerCurrent();
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on a new low-priority background thread named <paramref name="name"/>.</summary>
    public static Task Start(string name, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Start(name, () =>
        {
            work();
            return true;
        });
    }

    /// <summary>Lowers the calling thread's priority (see the remarks); once lowered, it stays so.</summary>
    public static void LowerCurrent()
    {
        if (OperatingSystem.IsLinux())
        {
            // who = 0 would be the calling thread too, but only on Linux's reading of "process";
            // the thread id says what is meant. A failure (seccomp, say) leaves the priority as it was.
            _ = SetPriority(PrioProcess, GetThreadId(), Nice);
            return;
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
    }

    private const int PrioProcess = 0;

    // DllImport rather than LibraryImport: the signatures are blittable (no marshalling code to
    // generate), and LibraryImport would need unsafe code enabled for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
#pragma warning restore SYSLIB1054
}
