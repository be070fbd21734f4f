namespace TcpActors.Tcp.Tests;

/// <summary>The TEST-ONLY fault switches really break what they name (so a checker can catch them).</summary>
public class FaultTests
{
    [Fact]
    public void With_time_wait_never_expires_the_client_stays_in_time_wait_forever()
    {
        var couple = Couple.Established(clientFaults: EndpointFaults.TimeWaitNeverExpires);
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.Drive(TimeSpan.FromHours(1));

        Assert.Equal(TcpState.TimeWait, couple.Client.State);
        Assert.Equal(TimeSpan.MaxValue, couple.Client.NextDeadline);
        Assert.Equal(EndpointFaults.TimeWaitNeverExpires, couple.Client.Faults);
    }

    [Fact]
    public void With_closing_never_acks_a_simultaneous_close_does_not_complete()
    {
        var couple = Couple.BothClosing(EndpointFaults.ClosingNeverAcks);
        couple.Drive(TimeSpan.FromSeconds(60));

        Assert.Equal(TcpState.Closing, couple.Client.State);
        Assert.Equal(TcpState.Closing, couple.Server.State);
        Assert.DoesNotContain(couple.States, s => s.To == TcpState.TimeWait);

        // Without the fault the same close reaches TIME_WAIT within 20 ms.
        var healthy = Couple.Established();
        healthy.Client.Close(healthy.Now, healthy.ClientSink);
        healthy.Server.Close(healthy.Now, healthy.ServerSink);
        healthy.DriveFor(TimeSpan.FromMilliseconds(20));
        Assert.Equal(TcpState.TimeWait, healthy.Client.State);
    }
}
