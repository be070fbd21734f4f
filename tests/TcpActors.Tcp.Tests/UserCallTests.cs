namespace TcpActors.Tcp.Tests;

/// <summary>
/// Bad input to the public API: a malformed argument throws an <see cref="ArgumentException"/>; a
/// well-formed call in the wrong state returns a <see cref="TcpError"/> and changes nothing.
/// </summary>
public class UserCallTests
{
    [Fact]
    public void A_send_after_close_is_refused_with_write_shutdown_and_changes_nothing()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        var sent = couple.Sent.Count;
        var sndNxt = couple.Client.SndNxt;

        Assert.Equal(TcpError.WriteShutdown, couple.Client.Send(couple.Now, 10, couple.ClientSink));
        Assert.Equal(sent, couple.Sent.Count);
        Assert.Equal(sndNxt, couple.Client.SndNxt);
        Assert.Equal(TcpState.FinWait1, couple.Client.State);
    }

    [Fact]
    public void A_send_after_shutdown_write_is_refused_too()
    {
        var couple = Couple.Established();
        couple.Client.ShutdownWrite(couple.Now, couple.ClientSink);
        Assert.Equal(TcpError.WriteShutdown, couple.Client.Send(couple.Now, 10, couple.ClientSink));
    }

    [Fact]
    public void Calls_on_a_closed_endpoint_report_not_connected()
    {
        var couple = new Couple();
        Assert.Equal(TcpError.NotConnected, couple.Client.Send(couple.Now, 10, couple.ClientSink));
        Assert.Equal(TcpError.NotConnected, couple.Client.ShutdownWrite(couple.Now, couple.ClientSink));
        Assert.Equal(0, couple.Client.Read(couple.Now, 10, couple.ClientSink));
        Assert.Empty(couple.Sent);
        Assert.Empty(couple.States);
    }

    [Fact]
    public void Opening_an_open_endpoint_reports_already_open()
    {
        var couple = Couple.Established();
        Assert.Equal(TcpError.AlreadyOpen, couple.Client.Connect(couple.Now, Couple.ClientTuple, new SeqNum(9), couple.ClientSink));
        Assert.Equal(TcpError.AlreadyOpen, couple.Client.Listen(couple.Now, Couple.ClientAddr, 81, new SeqNum(9), couple.ClientSink));
        var syn = couple.Sent[0].Segment;
        Assert.Equal(TcpError.AlreadyOpen, couple.Server.AcceptSyn(couple.Now, syn, new SeqNum(9), couple.ServerSink));
        Assert.Equal(TcpState.Established, couple.Client.State);
    }

    [Fact]
    public void Closing_twice_reports_already_closed()
    {
        var couple = Couple.Established();
        Assert.Equal(TcpError.None, couple.Client.Close(couple.Now, couple.ClientSink));
        Assert.Equal(TcpError.AlreadyClosed, couple.Client.Close(couple.Now, couple.ClientSink));
    }

    [Fact]
    public void Malformed_arguments_throw_argument_exceptions_without_touching_the_endpoint()
    {
        var couple = Couple.Established();
        Assert.Throws<ArgumentOutOfRangeException>(() => couple.Client.Send(couple.Now, -1, couple.ClientSink));
        Assert.Throws<ArgumentOutOfRangeException>(() => couple.Client.Read(couple.Now, -1, couple.ClientSink));
        Assert.Equal(TcpState.Established, couple.Client.State);

        var fresh = new TcpEndpoint(TcpProfile.Linux);
        var zeroPort = Couple.ClientTuple with { RemotePort = 0 };
        Assert.Contains("port", Assert.Throws<ArgumentException>(() => fresh.Connect(TimeSpan.Zero, zeroPort, default, couple.ClientSink)).Message);
        Assert.Throws<ArgumentException>(() => fresh.Connect(TimeSpan.Zero, Couple.ClientTuple with { LocalAddr = 0 }, default, couple.ClientSink));
        Assert.Throws<ArgumentException>(() => fresh.Listen(TimeSpan.Zero, Couple.ServerAddr, 0, default, couple.ServerSink));
        var notASyn = couple.Sent.Last().Segment;
        Assert.Throws<ArgumentException>(() => fresh.AcceptSyn(TimeSpan.Zero, notASyn, default, couple.ServerSink));
        Assert.Equal(TcpState.Closed, fresh.State);
    }

    [Fact]
    public void A_profile_with_bad_knobs_is_rejected_with_every_problem_named()
    {
        var bad = TcpProfile.Linux with
        {
            TimeWait = TimeSpan.FromSeconds(-1),
            MinRto = TimeSpan.Zero,
            EphemeralPortMin = 0,
            KeepaliveProbes = 0,
            FinTimeout = TimeSpan.FromSeconds(-5),
        };

        var error = Assert.Throws<ArgumentException>(() => new TcpEndpoint(bad));
        Assert.Contains("time_wait must be positive, got -1s", error.Message);
        Assert.Contains("min_rto", error.Message);
        Assert.Contains("port_range", error.Message);
        Assert.Contains("keepalive.probes", error.Message);
        Assert.Contains("fin_timeout", error.Message);
        Assert.Equal(5, bad.Problems().Count);
    }

    [Fact]
    public void An_empty_port_range_and_an_inverted_rto_range_are_rejected()
    {
        var bad = TcpProfile.Rfc9293 with { EphemeralPortMin = 60000, EphemeralPortMax = 50000, MaxRto = TimeSpan.FromMilliseconds(100) };
        var problems = bad.Problems();
        Assert.Contains(problems, p => p.Contains("port_range [60000, 50000] is empty"));
        Assert.Contains(problems, p => p.Contains("max_rto"));
        Assert.Throws<ArgumentException>(() => bad.Validate());
    }

    [Fact]
    public void Every_built_in_profile_is_valid()
    {
        foreach (var profile in TcpProfile.BuiltIn)
        {
            Assert.Empty(profile.Problems());
            Assert.Same(profile, profile.Validate());
        }
    }

    [Fact]
    public void A_closed_endpoint_can_be_opened_again()
    {
        var couple = Couple.Established();
        couple.Client.Abort(couple.Now, couple.ClientSink);
        couple.DriveUntilIdle();
        Assert.Equal(TcpState.Closed, couple.Client.State);

        var server = new TcpEndpoint(TcpProfile.Linux);
        couple.ReplaceServer(server);
        couple.ServerSink.Restart();
        server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, new SeqNum(123), couple.ServerSink);
        Assert.Equal(TcpError.None, couple.Client.Connect(couple.Now, Couple.ClientTuple, new SeqNum(7777), couple.ClientSink));
        couple.DriveUntilIdle();

        Assert.Equal(TcpState.Established, couple.Client.State);
        Assert.Equal(new SeqNum(7778), couple.Client.SndNxt);
    }

    [Fact]
    public void State_changes_kept_as_counters_always_sum_to_the_endpoints_and_end_in_closed()
    {
        // What telemetry does with StateChanged: every endpoint is counted in CLOSED when created.
        var counts = new int[TcpStateNames.Count];
        counts[(int)TcpState.Closed] = 2;
        var couple = Couple.Established();
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        foreach (var change in couple.States)
        {
            counts[(int)change.From]--;
            counts[(int)change.To]++;
            Assert.All(counts, c => Assert.True(c >= 0));
            Assert.Equal(2, counts.Sum());
        }
        Assert.Equal(2, counts[(int)TcpState.Closed]);
        Assert.Equal(1, couple.EventsOf(Side.Client).Count(e => e == TcpEvent.Closed));
        Assert.Equal(1, couple.EventsOf(Side.Server).Count(e => e == TcpEvent.Closed));
    }
}
