namespace TcpActors.Observability.Tests;

/// <summary>Telemetry's own threads run below the simulation, and so do the threads they start.</summary>
public sealed class LowPriorityThreadTests
{
    /// <summary>The calling thread's nice value (Linux: field 19 of /proc/thread-self/stat), or its .NET priority elsewhere.</summary>
    private static string CurrentPriority()
    {
        if (!OperatingSystem.IsLinux()) return Thread.CurrentThread.Priority.ToString();
        string stat = File.ReadAllText("/proc/thread-self/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16];
    }

    [Fact]
    public async Task Telemetry_work_runs_below_the_simulation_and_threads_it_starts_inherit_that()
    {
        string caller = CurrentPriority();
        string? inherited = null;
        string own = await LowPriorityThread.Start("test telemetry", () =>
        {
            // As the OpenTelemetry SDK's exporter thread is started from the thread that builds the provider.
            var child = new Thread(() => inherited = CurrentPriority());
            child.Start();
            child.Join();
            return CurrentPriority();
        }).WaitAsync(TimeSpan.FromSeconds(30));

        string expected = OperatingSystem.IsLinux() ? LowPriorityThread.Nice.ToString(System.Globalization.CultureInfo.InvariantCulture) : nameof(ThreadPriority.BelowNormal);
        Assert.Equal(expected, own);
        Assert.Equal(expected, inherited);
        Assert.Equal(caller, CurrentPriority()); // the caller's own priority is untouched
    }

    [Fact]
    public async Task A_failure_on_a_low_priority_thread_reaches_whoever_awaits_it()
    {
        var failed = LowPriorityThread.Start("test failure", () => throw new InvalidOperationException("the collector is gone"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("the collector is gone", e.Message);
    }
}
