using System.Diagnostics;

namespace TcpActors.Tcp.Host;

/// <summary>
/// A listening socket on one port of a <see cref="TcpHost"/>, with the two queues of the Linux
/// listen path: the SYN queue (half-open connections in SYN_RECEIVED, capacity
/// <see cref="SynQueueCapacity"/>) and the accept queue (handshakes completed but not yet taken
/// by accept(), capacity min(backlog, somaxconn)). The host decides; this type holds the queues.
/// </summary>
[DebuggerDisplay("LISTEN :{Port} syn {SynQueueLength}/{SynQueueCapacity} accept {AcceptQueueLength}/{AcceptQueueCapacity}")]
public sealed class Listener
{
    /// <summary>
    /// Completed connections in the order their handshakes finished. A connection that dies in
    /// the queue stays here as a stale item (its entry no longer says "accept queued" with this
    /// handle) and is skipped by accept; <see cref="AcceptQueueLength"/> counts only live ones.
    /// </summary>
    private readonly Queue<(FourTuple Tuple, int Handle)> _acceptQueue = new();

    /// <summary>The host whose connection table says which queued items are still live.</summary>
    private readonly TcpHost _host;

    internal Listener(TcpHost host, ushort port, int backlog, int synQueueCapacity, int acceptQueueCapacity)
    {
        _host = host;
        Port = port;
        Backlog = backlog;
        SynQueueCapacity = synQueueCapacity;
        AcceptQueueCapacity = acceptQueueCapacity;
    }

    /// <summary>The local port listened on, on every address of the host.</summary>
    public ushort Port { get; }

    /// <summary>The backlog the application passed to listen().</summary>
    public int Backlog { get; }

    /// <summary>How many half-open connections may wait for their final ACK.</summary>
    public int SynQueueCapacity { get; }

    /// <summary>How many completed connections may wait for accept(): min(backlog, accept_backlog).</summary>
    public int AcceptQueueCapacity { get; }

    /// <summary>Half-open connections holding a SYN queue slot now.</summary>
    public int SynQueueLength { get; internal set; }

    /// <summary>Completed connections waiting for accept() now.</summary>
    public int AcceptQueueLength { get; internal set; }

    /// <summary>Whether a new SYN finds the SYN queue full (Linux inet_csk_reqsk_queue_is_full()).</summary>
    public bool SynQueueFull => SynQueueLength >= SynQueueCapacity;

    /// <summary>Whether a completed handshake finds the accept queue full (Linux sk_acceptq_is_full()).</summary>
    public bool AcceptQueueFull => AcceptQueueLength >= AcceptQueueCapacity;

    internal void Enqueue(in FourTuple tuple, int handle)
    {
        // Stale items are only dropped by accept; an application that never accepts while its
        // queued connections keep dying would otherwise grow the queue without bound.
        if (_acceptQueue.Count >= 2 * AcceptQueueCapacity + 16)
        {
            Compact();
        }
        _acceptQueue.Enqueue((tuple, handle));
        AcceptQueueLength++;
        AssertInvariants();
    }

    /// <summary>
    /// accept(): takes the oldest completed connection off the accept queue, freeing its slot.
    /// Returns false when no completed connection waits (the application would block).
    /// </summary>
    public bool TryAccept(out int handle, out FourTuple tuple)
    {
        while (_acceptQueue.TryDequeue(out var item))
        {
            if (_host.TakeAccepted(item.Tuple, item.Handle))
            {
                AcceptQueueLength--;
                AssertInvariants();
                (tuple, handle) = item;
                return true;
            }
        }
        tuple = default;
        handle = 0;
        return false;
    }

    /// <summary>accept() when only the handle matters.</summary>
    public bool TryAccept(out int handle) => TryAccept(out handle, out _);

    private void Compact()
    {
        var count = _acceptQueue.Count;
        for (var i = 0; i < count; i++)
        {
            var item = _acceptQueue.Dequeue();
            if (_host.IsAcceptQueued(item.Tuple, item.Handle))
            {
                _acceptQueue.Enqueue(item);
            }
        }
    }

    /// <summary>A crash forgets both queues; the listener itself comes back on restart.</summary>
    internal void Forget()
    {
        _acceptQueue.Clear();
        SynQueueLength = 0;
        AcceptQueueLength = 0;
    }

    [Conditional("DEBUG")]
    internal void AssertInvariants()
    {
        Debug.Assert(SynQueueLength >= 0 && SynQueueLength <= SynQueueCapacity, "SYN queue length out of bounds");
        Debug.Assert(AcceptQueueLength >= 0 && AcceptQueueLength <= AcceptQueueCapacity, "accept queue length out of bounds");
        Debug.Assert(_acceptQueue.Count >= AcceptQueueLength, "accept queue lost a live connection");
    }
}
