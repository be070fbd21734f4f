using System.Diagnostics;
using System.Threading.Channels;
using TcpActors.Runtime;

namespace TcpActors.Bench;

/// <summary>
/// The same workload as a .NET developer would write it without an actor library: one
/// unbounded <see cref="Channel{T}"/> and one long-lived <see cref="Task"/> per actor, delays
/// with <see cref="Task.Delay(TimeSpan)"/> on the thread pool, run for a fixed wall time.
/// </summary>
internal static class ChannelBaseline
{
    private sealed class Mailbox
    {
        public readonly Channel<Ping> Channel = System.Threading.Channels.Channel.CreateUnbounded<Ping>(
            new UnboundedChannelOptions { SingleReader = true });
        public long Handled;
    }

    private static async Task RunActor(Mailbox self, Mailbox[] peers, RandomStream random, CancellationToken stop)
    {
        ChannelReader<Ping> reader = self.Channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (reader.TryRead(out Ping ping))
                {
                    self.Handled++;
                    Mailbox next = peers[random.NextUInt32((uint)peers.Length)];
                    int delayMs = PingWorkload.MinDelayMs + (int)random.NextUInt32(PingWorkload.MaxDelayMs - PingWorkload.MinDelayMs + 1);
                    _ = SendLater(next, ping with { Hops = ping.Hops + 1 }, delayMs, stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task SendLater(Mailbox target, Ping ping, int delayMs, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delayMs, stop).ConfigureAwait(false);
            target.Channel.Writer.TryWrite(ping);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static (double EventsPerSecond, long Events) Measure(PingWorkload workload, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var mailboxes = new Mailbox[workload.Actors];
        for (int i = 0; i < mailboxes.Length; i++) mailboxes[i] = new Mailbox();
        var tasks = new Task[mailboxes.Length];
        for (int i = 0; i < mailboxes.Length; i++) tasks[i] = RunActor(mailboxes[i], mailboxes, new RandomStream(workload.Seed, (ulong)i), stop.Token);

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < mailboxes.Length; i++)
        {
            _ = SendLater(mailboxes[i], new Ping(i, 0), 1 + i % PingWorkload.MaxDelayMs, stop.Token);
        }
        Thread.Sleep(duration);
        long handled = 0;
        foreach (Mailbox mailbox in mailboxes) handled += Volatile.Read(ref mailbox.Handled);
        TimeSpan wall = Stopwatch.GetElapsedTime(start);
        stop.Cancel();
        Task.WaitAll(tasks);
        return (handled / wall.TotalSeconds, handled);
    }

    /// <summary>Heap bytes per idle actor: a channel and a task parked on it.</summary>
    public static double BytesPerIdleActor(int actors)
    {
        using var stop = new CancellationTokenSource();
        var mailboxes = new Mailbox[actors];
        var tasks = new Task[actors];
        var random = new RandomStream(0, 0);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < actors; i++)
        {
            mailboxes[i] = new Mailbox();
            // An async method runs synchronously up to its first await, so each task is parked
            // on its empty channel when this returns.
            tasks[i] = RunActor(mailboxes[i], mailboxes, random, stop.Token);
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        stop.Cancel();
        Task.WaitAll(tasks);
        GC.KeepAlive(mailboxes);
        // The two reference arrays were allocated before the first measurement.
        return (after - before) / (double)actors;
    }
}
