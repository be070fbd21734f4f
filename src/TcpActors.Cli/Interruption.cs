using System.Runtime.InteropServices;

namespace TcpActors.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation of the run instead of the default
/// immediate exit, so the run can stop at its next event and still write a complete report
/// marked <c>"interrupted": true</c>. A second Ctrl+C is left to the default: exit at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public Interruption()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled on the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once a signal asked the run to stop.</summary>
    public bool Requested => _cancel.IsCancellationRequested;

    private void OnSignal(PosixSignalContext context)
    {
        if (_cancel.IsCancellationRequested) return; // the second one ends the process
        context.Cancel = true;
        _cancel.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cancel.Dispose();
    }
}
