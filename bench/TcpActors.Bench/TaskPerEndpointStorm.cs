using System.Diagnostics;
using System.Threading.Channels;
using TcpActors.Tcp;

namespace TcpActors.Bench;

/// <summary>
/// The storm of <c>storm</c> (connect over 1 s, 100 B / 1 KB, the client closes at 5 s, 60 s of
/// TIME_WAIT, 10 ms one-way delay) written the way a .NET developer would without an actor
/// runtime: one <see cref="Channel{T}"/> and one long-lived <see cref="Task"/> per endpoint, the
/// same sans-IO <see cref="TcpEndpoint"/>, and every delay — the network's, the TCP timers', the
/// application's close — a <see cref="Task.Delay(int)"/> on the thread pool, in real time.
/// </summary>
/// <remarks>
/// Real time cannot wait 70 s per size, so the clock runs <see cref="TimeScale"/> times faster
/// than the wall clock (10 ms of network delay is 1 ms of wall time, TIME_WAIT 6 s): the run
/// can never take less than 70 s / <see cref="TimeScale"/>. When the thread pool falls behind,
/// segments arrive late by the scaled clock and TCP reacts as it would (retransmissions,
/// timeouts); the result says how many couples completed.
/// </remarks>
internal sealed class TaskPerEndpointStorm
{
    /// <summary>Virtual seconds per wall second.</summary>
    public const int TimeScale = 10;

    private static readonly TimeSpan s_networkDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_openOver = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_closeAt = TimeSpan.FromSeconds(5);
    private const int RequestBytes = 100;
    private const int ResponseBytes = 1000;

    private enum InputKind : byte { Segment, Timer, Connect, Close }

    private readonly record struct Input(InputKind Kind, Segment Segment, long Generation);

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _endpointsOpen;
    private int _completed;
    private long _events;

    private TimeSpan Now => Stopwatch.GetElapsedTime(_start) * TimeScale;

    /// <summary>Runs <paramref name="couples"/> couples until every endpoint is closed or <paramref name="limit"/> of wall time passes.</summary>
    public static (int Completed, long Events, bool Finished) Run(int couples, TimeSpan limit)
    {
        var storm = new TaskPerEndpointStorm();
        using var stop = new CancellationTokenSource();
        storm._endpointsOpen = 2 * couples;
        var loops = new Task[2 * couples];
        uint serverAddr = Address.Of(10, 1, 0, 1);
        for (int i = 0; i < couples; i++)
        {
            var tuple = new FourTuple(Address.Of(10, 0, 0, 1) + (uint)(i / 28_000), (ushort)(32_768 + i % 28_000), serverAddr, 80);
            var client = new Endpoint(storm, isClient: true, tuple);
            var server = new Endpoint(storm, isClient: false, default);
            client.Peer = server;
            server.Peer = client;
            loops[2 * i] = client.RunAsync(stop.Token);
            loops[2 * i + 1] = server.RunAsync(stop.Token);
            storm.Later(client, new Input(InputKind.Connect, default, 0), s_openOver * i / couples, stop.Token);
            storm.Later(client, new Input(InputKind.Close, default, 0), s_closeAt, stop.Token);
        }
        bool finished = storm._allClosed.Task.Wait(limit);
        stop.Cancel();
        Task.WaitAll(loops);
        return (Volatile.Read(ref storm._completed), Interlocked.Read(ref storm._events), finished);
    }

    /// <summary>Delivers <paramref name="input"/> to <paramref name="target"/> at virtual time <paramref name="at"/>.</summary>
    private async void Later(Endpoint target, Input input, TimeSpan at, CancellationToken stop)
    {
        try
        {
            TimeSpan wall = (at - Now) / TimeScale;
            if (wall > TimeSpan.Zero) await Task.Delay(wall, stop).ConfigureAwait(false);
            target.Inbox.Writer.TryWrite(input);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One endpoint: its inbox, its loop, its TCP state machine and the application on top.</summary>
    private sealed class Endpoint(TaskPerEndpointStorm storm, bool isClient, FourTuple tuple)
    {
        private readonly TaskPerEndpointStorm _storm = storm;
        private readonly bool _isClient = isClient;
        private readonly FourTuple _tuple = tuple;
        public readonly Channel<Input> Inbox = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
        public Endpoint Peer = null!;
        private readonly TcpEndpoint _tcp = new(TcpProfile.Linux);
        private long _timerGeneration;
        private TimeSpan _armedAt = TimeSpan.MaxValue;
        private bool _established, _read, _closeOnEof, _done;
        private CancellationToken _stop;

        public async Task RunAsync(CancellationToken stop)
        {
            _stop = stop;
            ChannelReader<Input> reader = Inbox.Reader;
            try
            {
                while (!_done && await reader.WaitToReadAsync(stop).ConfigureAwait(false))
                {
                    while (!_done && reader.TryRead(out Input input)) Handle(input);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Handle(in Input input)
        {
            Interlocked.Increment(ref _storm._events);
            TimeSpan now = _storm.Now;
            var sink = new Sink(this);
            switch (input.Kind)
            {
                case InputKind.Connect:
                    _tcp.Connect(now, _tuple, new SeqNum(1000), sink);
                    break;
                case InputKind.Close:
                    if (_tcp.State != TcpState.Closed) _tcp.Close(now, sink);
                    break;
                case InputKind.Timer:
                    if (input.Generation != _timerGeneration) return;
                    _armedAt = TimeSpan.MaxValue;
                    _tcp.OnTimer(now, sink);
                    break;
                default:
                    if (!_isClient && _tcp.State == TcpState.Closed && input.Segment.Flags == TcpFlags.Syn)
                        _tcp.AcceptSyn(now, input.Segment, new SeqNum(5000), sink);
                    else
                        _tcp.OnSegment(now, input.Segment, sink);
                    break;
            }
            // The application's reactions, after the endpoint call returns (never re-entrantly).
            if (_read)
            {
                _read = false;
                int n = _tcp.Read(now, int.MaxValue, sink);
                if (!_isClient && n > 0) _tcp.Send(now, ResponseBytes, sink);
            }
            if (_established)
            {
                _established = false;
                if (_isClient) _tcp.Send(now, RequestBytes, sink);
            }
            if (_closeOnEof)
            {
                _closeOnEof = false;
                _tcp.Close(now, sink);
            }
            if (_done) return;
            TimeSpan deadline = _tcp.NextDeadline;
            if (deadline < _armedAt)
            {
                _armedAt = deadline;
                _storm.Later(this, new Input(InputKind.Timer, default, ++_timerGeneration), deadline, _stop);
            }
        }

        private readonly struct Sink(Endpoint endpoint) : ITcpSink
        {
            public void Transmit(in Segment segment) =>
                endpoint._storm.Later(endpoint.Peer, new Input(InputKind.Segment, segment, 0), endpoint._storm.Now + s_networkDelay, endpoint._stop);

            public void StateChanged(TcpEndpoint tcp, TcpState from, TcpState to)
            {
                // A couple is complete when its client's TIME_WAIT has run out.
                if (endpoint._isClient && from == TcpState.TimeWait && to == TcpState.Closed) Interlocked.Increment(ref endpoint._storm._completed);
            }

            public void Notify(TcpEndpoint tcp, TcpEvent what, int bytes)
            {
                switch (what)
                {
                    case TcpEvent.Established: endpoint._established = true; break;
                    case TcpEvent.DataReceived: endpoint._read = true; break;
                    case TcpEvent.PeerClosed: if (!endpoint._isClient) endpoint._closeOnEof = true; break;
                    case TcpEvent.Closed:
                        endpoint._done = true;
                        if (Interlocked.Decrement(ref endpoint._storm._endpointsOpen) == 0) endpoint._storm._allClosed.TrySetResult();
                        break;
                }
            }
        }
    }
}
