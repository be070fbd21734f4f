using TcpActors.Observability.Dashboard;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// A run with its dashboard on a free loopback port, held at the sample of <c>holdAt</c> (the
/// observer blocks the run's worker there), so a test sees the page and the API at a known
/// virtual time, acts, and then lets the run finish in virtual time. Every wait is bounded. The
/// token is the one given, or the one drawn for the run; <see cref="Client"/> carries it.
/// </summary>
internal sealed class DashboardRun : IAsyncDisposable
{
    private readonly PausingObserver _hold;
    private readonly Task<RunReport> _run;

    public DashboardRun(Scenario scenario, TimeSpan holdAt, string? token = null)
    {
        Control = new LiveControl();
        _hold = new PausingObserver(holdAt);
        Server = DashboardServer.Start(scenario, new DashboardOptions { Port = 0, Token = token }, Control, scrape: null, next: _hold);
        Client = NewClient();
        Client.DefaultRequestHeaders.Authorization = new("Bearer", Server.Token);
        var options = new SimulationOptions { Observer = Server, LiveControl = Control };
        _run = Task.Factory.StartNew(() =>
        {
            RunReport report = SimulationRunner.Run(scenario, options);
            Server.OnCompleted(report);
            return report;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _hold.WaitUntilPaused();
    }

    public DashboardServer Server { get; }
    public LiveControl Control { get; }

    /// <summary>A client that carries the dashboard's token.</summary>
    public HttpClient Client { get; }

    /// <summary>A client of the dashboard that carries nothing of its own (the caller adds what a test needs).</summary>
    public HttpClient NewClient() => new() { BaseAddress = Server.Url, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Lets the held run go on to its end, and returns its report.</summary>
    public RunReport Finish()
    {
        _hold.Resume();
        Assert.True(_run.Wait(TimeSpan.FromMinutes(1)), "the run did not finish within a minute");
        return _run.Result;
    }

    public async ValueTask DisposeAsync()
    {
        _hold.Resume();
        _run.Wait(TimeSpan.FromMinutes(1));
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
