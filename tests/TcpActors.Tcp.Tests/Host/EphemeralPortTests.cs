using TcpActors.Tcp.Host;
using Xunit.Abstractions;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class EphemeralPortTests(ITestOutputHelper output)
{
    /// <summary>Connects <paramref name="count"/> times, each connection closing into TIME_WAIT at once.</summary>
    private static List<ConnectResult> ConnectAndEnterTimeWait(TcpHost client, int count, TimeSpan start, TimeSpan spacing, int firstHandle = 0)
    {
        var results = new List<ConnectResult>(count);
        for (var i = 0; i < count; i++)
        {
            var now = start + spacing * i;
            var handle = firstHandle + i;
            var result = client.Connect(ServerAddr, Http, handle, now);
            Assert.Equal(ConnectOutcome.Bound, result.Outcome);
            Assert.True(client.EnterTimeWait(result.Tuple, handle, now));
            results.Add(result);
        }
        return results;
    }

    [Fact]
    public void The_28232nd_connection_to_one_server_port_within_60s_succeeds_and_the_next_finds_every_port_in_time_wait()
    {
        var client = LinuxClient();
        var spacing = TimeSpan.FromMilliseconds(2); // 28232 connections in 56.5 s

        var results = ConnectAndEnterTimeWait(client, 28232, TimeSpan.Zero, spacing);

        var ports = new HashSet<ushort>();
        foreach (var r in results)
        {
            Assert.InRange(r.LocalPort, (ushort)32768, (ushort)60999);
            ports.Add(r.LocalPort);
        }
        Assert.Equal(28232, ports.Count);
        Assert.Equal(28232, client.TimeWaitCount);

        var next = client.Connect(ServerAddr, Http, 28232, Seconds(57));
        Assert.Equal(ConnectOutcome.PortExhausted, next.Outcome);
        Assert.Equal(1, client.Counters.PortExhausted);
        Assert.False(client.TryGetConnection(new FourTuple(ClientAddr, 0, ServerAddr, Http), out _));

        // At 60 s the first TIME_WAIT ends and hands its port back.
        Assert.True(client.Release(results[0].Tuple, 0));
        var afterFirstTimeWaitEnds = client.Connect(ServerAddr, Http, 28233, Seconds(60));
        Assert.Equal(ConnectOutcome.Bound, afterFirstTimeWaitEnds.Outcome);
        Assert.Equal(results[0].LocalPort, afterFirstTimeWaitEnds.LocalPort);
    }

    [Fact]
    public void An_exhausted_destination_fails_without_looking_at_a_single_port()
    {
        var client = LinuxClient();
        ConnectAndEnterTimeWait(client, 28232, TimeSpan.Zero, TimeSpan.Zero);
        var probesWhenFull = client.Counters.EphemeralPortProbes;

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 50_000 + i, Seconds(1)).Outcome);
        }

        Assert.Equal(probesWhenFull, client.Counters.EphemeralPortProbes);
        Assert.Equal(1000, client.Counters.PortExhausted);
    }

    [Fact]
    public void Churn_at_470_connections_per_second_with_60s_time_wait_finds_a_port_at_about_the_first_probe()
    {
        var client = LinuxClient();
        var timeWait = Seconds(60);
        var spacing = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 470);
        var inTimeWait = new Queue<(FourTuple Tuple, int Handle, TimeSpan Since)>();

        const int connections = 100_000; // about 213 s: three and a half turns of the port range
        for (var i = 0; i < connections; i++)
        {
            var now = spacing * i;
            while (inTimeWait.Count > 0 && now - inTimeWait.Peek().Since >= timeWait)
            {
                var old = inTimeWait.Dequeue();
                Assert.True(client.Release(old.Tuple, old.Handle));
            }
            var result = client.Connect(ServerAddr, Http, i, now);
            Assert.Equal(ConnectOutcome.Bound, result.Outcome);
            Assert.True(client.EnterTimeWait(result.Tuple, i, now));
            inTimeWait.Enqueue((result.Tuple, i, now));
        }

        Assert.Equal(0, client.Counters.PortExhausted);
        Assert.True(client.TimeWaitCount > 28_000, $"only {client.TimeWaitCount} in TIME_WAIT");
        var probesPerConnect = (double)client.Counters.EphemeralPortProbes / connections;
        output.WriteLine($"{probesPerConnect:F4} probes per connect, {client.TimeWaitCount} in TIME_WAIT");
        Assert.True(probesPerConnect < 1.05, $"{probesPerConnect:F2} probes per connect");
    }

    [Fact]
    public void Churn_at_500_connections_per_second_runs_out_of_ports_once_28232_are_in_time_wait()
    {
        var client = LinuxClient();
        var timeWait = Seconds(60);
        var spacing = TimeSpan.FromMilliseconds(2);
        var inTimeWait = new Queue<(FourTuple Tuple, int Handle, TimeSpan Since)>();
        TimeSpan? firstFailure = null;

        for (var i = 0; i < 500 * 70; i++)
        {
            var now = spacing * i;
            while (inTimeWait.Count > 0 && now - inTimeWait.Peek().Since >= timeWait)
            {
                var old = inTimeWait.Dequeue();
                client.Release(old.Tuple, old.Handle);
            }
            var result = client.Connect(ServerAddr, Http, i, now);
            if (!result.IsBound)
            {
                firstFailure ??= now;
                continue;
            }
            client.EnterTimeWait(result.Tuple, i, now);
            inTimeWait.Enqueue((result.Tuple, i, now));
        }

        // Attempt 28233 comes at 28232 x 2 ms = 56.464 s; from 60 s on, one port frees every
        // 2 ms and is taken at once, so only attempts between those instants fail.
        Assert.Equal(Seconds(56.464), firstFailure);
        Assert.Equal((60_000 - 56_464) / 2, client.Counters.PortExhausted);
    }

    [Fact]
    public void A_second_destination_still_has_every_port_when_the_first_is_exhausted()
    {
        var client = new TcpHost([ClientAddr, OtherClientAddr], Linux);
        ConnectAndEnterTimeWait(client, 28232, TimeSpan.Zero, TimeSpan.Zero);
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, -1, Seconds(1)).Outcome);

        var otherPort = client.Connect(ServerAddr, 443, -2, Seconds(1));
        var otherServer = client.Connect(OtherServerAddr, Http, -3, Seconds(1));
        var otherSource = client.Connect(OtherClientAddr, ServerAddr, Http, -4, Seconds(1));

        Assert.Equal(ConnectOutcome.Bound, otherPort.Outcome);
        Assert.Equal(ConnectOutcome.Bound, otherServer.Outcome);
        Assert.Equal(ConnectOutcome.Bound, otherSource.Outcome);
        Assert.Equal(OtherClientAddr, otherSource.Tuple.LocalAddr);

        // The other destinations can take all their ports, sharing local port numbers with the first.
        var sharedPorts = 0;
        for (var i = 1; i < 28232; i++)
        {
            var r = client.Connect(ServerAddr, 443, 100_000 + i, Seconds(2));
            Assert.Equal(ConnectOutcome.Bound, r.Outcome);
            sharedPorts += client.TryGetConnection(new FourTuple(ClientAddr, r.LocalPort, ServerAddr, Http), out _) ? 1 : 0;
        }
        Assert.Equal(28231, sharedPorts);
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, 443, -5, Seconds(2)).Outcome);
    }

    [Fact]
    public void Even_ports_are_handed_out_before_any_odd_port_and_one_after_another()
    {
        var client = new TcpHost(ClientAddr, Linux with { EphemeralPortMin = 40000, EphemeralPortMax = 40009 });
        var ports = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            ports.Add(client.Connect(ServerAddr, Http, i, TimeSpan.Zero).LocalPort);
        }

        Assert.All(ports.GetRange(0, 5), p => Assert.Equal(0, p % 2));
        Assert.All(ports.GetRange(5, 5), p => Assert.Equal(1, p % 2));
        Assert.Equal(10, new HashSet<int>(ports).Count);
        for (var i = 1; i < 5; i++)
        {
            // Linux advances the per-destination perturbation past the port just taken.
            Assert.Equal(40000 + (ports[i - 1] - 40000 + 2) % 10, ports[i]);
        }
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 10, TimeSpan.Zero).Outcome);
    }

    [Fact]
    public void The_same_inputs_pick_the_same_ports_and_another_host_secret_picks_others()
    {
        static List<ushort> FirstPorts(ulong secret)
        {
            var client = new TcpHost(ClientAddr, Linux with { PortSecret = secret });
            var ports = new List<ushort>();
            for (ushort dport = 1; dport <= 20; dport++)
            {
                ports.Add(client.Connect(ServerAddr, dport, dport, TimeSpan.Zero).LocalPort);
                ports.Add(client.Connect(ServerAddr, dport, 1000 + dport, TimeSpan.Zero).LocalPort);
            }
            return ports;
        }

        Assert.Equal(FirstPorts(0), FirstPorts(0));
        Assert.Equal(FirstPorts(42), FirstPorts(42));
        Assert.NotEqual(FirstPorts(0), FirstPorts(42));
        // Different destinations start at different offsets: the first ports are spread out.
        var spread = new HashSet<ushort>(FirstPorts(0));
        Assert.True(spread.Count > 30, $"only {spread.Count} distinct ports for 20 destinations");
    }

    [Fact]
    public void A_listening_port_inside_the_ephemeral_range_is_never_handed_to_connect()
    {
        var client = new TcpHost(ClientAddr, Linux with { EphemeralPortMin = 40000, EphemeralPortMax = 40003 });
        client.Listen(40002, 16);

        var ports = new HashSet<ushort>();
        for (var i = 0; i < 3; i++)
        {
            var r = client.Connect(ServerAddr, Http, i, TimeSpan.Zero);
            Assert.Equal(ConnectOutcome.Bound, r.Outcome);
            ports.Add(r.LocalPort);
        }

        Assert.DoesNotContain((ushort)40002, ports);
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 3, TimeSpan.Zero).Outcome);
    }
}
