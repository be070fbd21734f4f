using TcpActors.Runtime.TestKit;

namespace TcpActors.Runtime.Tests;

public class TestKitTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private readonly record struct Hello(int Value);

    /// <summary>Answers each Hello to its sender after a fixed delay.</summary>
    private sealed class SlowEcho(TimeSpan delay) : Actor, IReceive<Hello>
    {
        public void Receive(Hello message) => Sender.Tell(message, delay);
    }

    [Fact]
    public void Expect_msg_runs_virtual_time_up_to_the_arrival_of_the_message()
    {
        var kit = new TestKit.TestKit();
        ActorRef echo = kit.Spawn(new SlowEcho(TimeSpan.FromSeconds(2)));
        TestProbe probe = kit.CreateProbe();
        probe.Send(echo, new Hello(7));

        Hello reply = probe.ExpectMsg<Hello>();

        Assert.Equal(new Hello(7), reply);
        Assert.Equal(TimeSpan.FromSeconds(2), kit.Now);
        Assert.Equal(echo, probe.LastSender);
    }

    [Fact]
    public void Expect_msg_fails_after_its_virtual_timeout_without_waiting_on_the_wall_clock()
    {
        var kit = new TestKit.TestKit();
        ActorRef echo = kit.Spawn(new SlowEcho(TimeSpan.FromMinutes(10)));
        TestProbe probe = kit.CreateProbe();
        probe.Send(echo, new Hello(1));

        var error = Assert.Throws<TestKitException>(() => probe.ExpectMsg<Hello>(max: TimeSpan.FromMinutes(5)));

        Assert.Contains("timeout", error.Message);
        Assert.Equal(TimeSpan.FromMinutes(5), kit.Now);
        Assert.Equal(new Hello(1), probe.ExpectMsg<Hello>(max: TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Expect_msg_fails_on_a_message_of_another_type_or_one_that_does_not_match()
    {
        var kit = new TestKit.TestKit();
        kit.TestActor.Ref.Tell("not a hello");
        kit.TestActor.Ref.Tell(new Hello(3));
        Assert.Throws<TestKitException>(() => kit.ExpectMsg<Hello>());
        Assert.Throws<TestKitException>(() => kit.ExpectMsg<Hello>(h => h.Value == 4));
    }

    [Fact]
    public void Expect_msg_with_a_value_compares_by_equality()
    {
        var kit = new TestKit.TestKit();
        kit.TestActor.Ref.Tell(new Hello(3));
        kit.TestActor.Ref.Tell(new Hello(4));
        kit.ExpectMsg(new Hello(3));
        Assert.Throws<TestKitException>(() => kit.ExpectMsg(new Hello(5)));
    }

    [Fact]
    public void Expect_no_msg_passes_in_silence_and_advances_time_by_its_duration()
    {
        var kit = new TestKit.TestKit();
        kit.TestActor.Ref.Tell(new Hello(1), TimeSpan.FromSeconds(61));
        kit.ExpectNoMsg(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromSeconds(60), kit.Now);
        kit.ExpectMsg(new Hello(1));
    }

    [Fact]
    public void Expect_no_msg_fails_when_a_message_arrives_during_its_window()
    {
        var kit = new TestKit.TestKit();
        kit.TestActor.Ref.Tell(new Hello(1), TimeSpan.FromSeconds(59));
        var error = Assert.Throws<TestKitException>(() => kit.ExpectNoMsg(TimeSpan.FromSeconds(60)));
        Assert.Contains("00:00:59", error.Message);
    }

    [Fact]
    public void Advance_delivers_what_is_due_and_moves_the_clock_by_exactly_the_given_time()
    {
        var kit = new TestKit.TestKit();
        kit.TestActor.Ref.Tell(new Hello(1), Ms(100));
        kit.Advance(Ms(250));
        Assert.Equal(Ms(250), kit.Now);
        Assert.Equal(1, kit.TestActor.PendingCount);
    }

    [Fact]
    public void Within_passes_when_the_block_fits_and_bounds_the_expectations_inside_it()
    {
        var kit = new TestKit.TestKit();
        ActorRef echo = kit.Spawn(new SlowEcho(Ms(300)));

        kit.Within(Ms(200), Ms(500), () =>
        {
            kit.TestActor.Send(echo, new Hello(1));
            kit.ExpectMsg<Hello>();
        });

        kit.TestActor.Send(echo, new Hello(2));
        var error = Assert.Throws<TestKitException>(() => kit.Within(Ms(100), () => kit.ExpectMsg<Hello>()));
        Assert.Contains("timeout", error.Message);
        Assert.Equal(Ms(400), kit.Now);
    }

    [Fact]
    public void Within_fails_when_the_block_takes_too_long_or_too_little_virtual_time()
    {
        var kit = new TestKit.TestKit();
        Assert.Throws<TestKitException>(() => kit.Within(TimeSpan.FromSeconds(1), () => kit.Advance(TimeSpan.FromSeconds(2))));
        Assert.Throws<TestKitException>(() => kit.Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), () => kit.Advance(Ms(10))));
        Assert.Equal(42, kit.Within(TimeSpan.FromSeconds(1), () => 42));
    }

    [Fact]
    public void A_probe_can_reply_to_the_last_sender()
    {
        var kit = new TestKit.TestKit();
        TestProbe server = kit.CreateProbe("server");
        TestProbe client = kit.CreateProbe("client");
        client.Send(server.Ref, new Hello(1));
        server.ExpectMsg<Hello>();
        server.Reply("welcome");
        Assert.Equal("welcome", client.ExpectMsg<string>());
        Assert.Equal(server.Ref, client.LastSender);
    }
}
