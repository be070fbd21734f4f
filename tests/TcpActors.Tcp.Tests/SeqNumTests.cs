using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TcpActors.Tcp;

namespace TcpActors.Tcp.Tests;

/// <summary>
/// Sequence numbers are 32-bit and compared modulo 2^32 (RFC 9293 §3.4, "Sequence Numbers";
/// serial number arithmetic, RFC 1982). Besides the wrap example, the arithmetic is checked as
/// FsCheck properties over the whole 32-bit space, from a pinned draw (<see cref="Draw"/>).
/// </summary>
public class SeqNumTests
{
    /// <summary>The pinned draw (FsCheck's "(seed,gamma)").</summary>
    private const string Draw = "(20261204,11400714819323198485)";

    /// <summary>
    /// Any of the 2^32 sequence numbers; distances across the whole signed range; windows small (a
    /// real one) or of any length, with numbers at their edges or anywhere (FsCheck's own numbers stay near zero).
    /// </summary>
    public static class Numbers
    {
        public static Arbitrary<SeqNum> SeqNum() =>
            Gen.Choose(int.MinValue, int.MaxValue).Select(n => new SeqNum(unchecked((uint)n))).ToArbitrary();

        public static Arbitrary<int> Distance() =>
            Gen.OneOf(Gen.Choose(int.MinValue + 1, int.MaxValue), Gen.Choose(-70_000, 70_000), Gen.Elements(-1, 0, 1, int.MaxValue, int.MinValue + 1)).ToArbitrary();

        public static Arbitrary<Window> Window() =>
            (from start in SeqNum().Generator
             from length in Gen.OneOf(Gen.Choose(0, 70_000), Gen.Choose(int.MinValue, int.MaxValue)).Select(n => unchecked((uint)n))
             // At the edges (0, the last number in, the first one out) as often as anywhere.
             from offset in Gen.OneOf(
                 Gen.Elements(0u, unchecked(length - 1), length, unchecked(length + 1)),
                 Gen.Choose(int.MinValue, int.MaxValue).Select(n => unchecked((uint)n)))
             select new Window(start, length, offset)).ToArbitrary();
    }

    /// <summary>A window of <c>Length</c> numbers from <c>Start</c>, and a number <c>Offset</c> past the start.</summary>
    public sealed record Window(SeqNum Start, uint Length, uint Offset);

    [Property(MaxTest = 1000, Replay = Draw, Arbitrary = [typeof(Numbers)])]
    public void A_number_moved_by_a_distance_is_that_distance_away_and_on_its_side(SeqNum a, int distance)
    {
        // Distances of at most 2^31 − 1 either way are unambiguous (RFC 1982 §3.2).
        SeqNum b = a + distance;

        Assert.Equal(distance, b - a);
        Assert.Equal(-distance, a - b);
        Assert.Equal(distance > 0, b > a);
        Assert.Equal(distance < 0, b < a);
        Assert.Equal(distance >= 0, b >= a);
        Assert.Equal(Math.Sign(distance), b.CompareTo(a));
        Assert.Equal(a, b - distance);
    }

    [Property(MaxTest = 1000, Replay = Draw, Arbitrary = [typeof(Numbers)])]
    public void Of_two_numbers_less_than_2_to_the_31_apart_exactly_one_comes_first_or_they_are_equal(SeqNum a, SeqNum b)
    {
        if (a - b == int.MinValue) return; // exactly 2^31 apart: RFC 1982 leaves the order undefined
        int outcomes = (a < b ? 1 : 0) + (a == b ? 1 : 0) + (a > b ? 1 : 0);

        Assert.Equal(1, outcomes);
        Assert.Equal(a < b, b > a);
        Assert.Equal(a <= b, !(a > b));
    }

    [Property(MaxTest = 1000, Replay = Draw, Arbitrary = [typeof(Numbers)])]
    public void A_number_is_in_a_window_exactly_when_it_lies_fewer_than_its_length_past_the_start(Window w)
    {
        // RFC 9293 §3.4: RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND, across the wrap.
        Assert.Equal(w.Offset < w.Length, (w.Start + w.Offset).InWindow(w.Start, w.Length));
    }
    [Fact]
    public void Sequence_numbers_compare_modulo_two_to_the_thirty_second()
    {
        var beforeWrap = new SeqNum(0xFFFF_FFF0);
        var afterWrap = beforeWrap + 0x20;

        Assert.Equal(0x10u, afterWrap.Value);
        Assert.True(beforeWrap < afterWrap);
        Assert.True(afterWrap > beforeWrap);
        Assert.Equal(0x20, afterWrap - beforeWrap);
        Assert.True(new SeqNum(5).InWindow(beforeWrap, 0x20));
        Assert.False(afterWrap.InWindow(beforeWrap, 0x20));
    }

    [Fact]
    public void A_segment_to_no_connection_is_answered_as_RFC_9293_closed_state_says()
    {
        var syn = new Segment { SrcAddr = 1, SrcPort = 40000, DstAddr = 2, DstPort = 80, Seq = new SeqNum(1000), Flags = TcpFlags.Syn };
        Assert.True(Segment.TryResetFor(syn, out var rstAck));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rstAck.Flags);
        Assert.Equal(new SeqNum(1001), rstAck.Ack);
        Assert.Equal((2u, (ushort)80, 1u, (ushort)40000), (rstAck.SrcAddr, rstAck.SrcPort, rstAck.DstAddr, rstAck.DstPort));

        var ack = syn with { Flags = TcpFlags.Ack, Ack = new SeqNum(777) };
        Assert.True(Segment.TryResetFor(ack, out var rst));
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(777), rst.Seq);

        Assert.False(Segment.TryResetFor(syn with { Flags = TcpFlags.Rst }, out _));
    }
}
