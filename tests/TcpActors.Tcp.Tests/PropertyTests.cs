using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace TcpActors.Tcp.Tests;

/// <summary>
/// Properties over random sequences of user calls, hand-made segments (any flags, sequence and
/// acknowledgment numbers near or far from the window), losses and timer expiries. FsCheck generates
/// and shrinks the cases from a fixed replay seed, so a failure is reproducible.
/// </summary>
public class PropertyTests
{
    /// <summary>One step: what to do, and two numbers it may use.</summary>
    public readonly record struct Op(int Kind, int A, int B)
    {
        public override string ToString() => $"({Kind},{A},{B})";
    }

    private const int Kinds = 19;

    private static readonly Gen<Op> s_op =
        from kind in Gen.Choose(0, Kinds - 1)
        from a in Gen.Choose(-70_000, 70_000)
        from b in Gen.Choose(0, 70_000)
        select new Op(kind, a, b);

    private static Config Replayable(int cases) => Config.QuickThrowOnFailure
        .WithMaxTest(cases)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261121UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));

    [Fact]
    public void Any_sequence_of_calls_segments_and_timers_never_throws_and_keeps_the_invariants()
    {
        var prop = Prop.ForAll(Gen.ArrayOf(s_op).ToArbitrary(), ops => Play(ops, drainAtEnd: false));
        Check.One(Replayable(400), prop);
    }

    [Fact]
    public void After_any_such_sequence_and_a_quiet_day_no_endpoint_is_left_in_a_transient_state()
    {
        var prop = Prop.ForAll(Gen.ArrayOf(s_op).ToArbitrary(), ops => Play(ops, drainAtEnd: true));
        Check.One(Replayable(300), prop);
    }

    /// <summary>
    /// Plays the steps on a couple. The harness itself checks on every delivery that a RST is never
    /// answered with a RST and on every state change that reports chain and SND.UNA ≤ SND.NXT.
    /// </summary>
    private static bool Play(Op[] ops, bool drainAtEnd)
    {
        var couple = new Couple();
        if (ops.Length > 0 && ops[0].B % 2 == 0)
        {
            // Half the cases start from a handshake, so the random steps reach the later states often.
            couple.Open();
            couple.DriveFor(TimeSpan.FromMilliseconds(ops[0].B % 40));
        }
        foreach (var op in ops)
        {
            Apply(couple, op);
            foreach (var side in new[] { Side.Client, Side.Server })
            {
                var e = couple[side];
                if (!(e.SndUna <= e.SndNxt)) return false;
                if (!Enum.IsDefined(e.State)) return false;
                if (e.State == TcpState.Closed && e.NextDeadline != TimeSpan.MaxValue) return false;
                if (e.NextDeadline < couple.Now) return false; // nothing overdue after driving
            }
        }
        if (!drainAtEnd) return true;

        couple.Lose = null;
        couple.Drive(couple.Now + TimeSpan.FromDays(1));
        foreach (var side in new[] { Side.Client, Side.Server })
        {
            var e = couple[side];
            // FIN_WAIT_1, CLOSING and LAST_ACK may last while a live peer keeps its window shut and the
            // application is still there (zero-window probing goes on as in Linux); everything else
            // here must have ended.
            bool transient = e.State is TcpState.SynSent or TcpState.SynReceived or TcpState.TimeWait
                || (e.State is TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck && (e.IsOrphan || e.SendWindow > 0))
                || (e.State == TcpState.FinWait2 && e.IsOrphan);
            if (transient) throw new Xunit.Sdk.XunitException($"{side} stuck in {e.State}\n{couple.Ladder()}");
        }
        return true;
    }

    private static void Apply(Couple couple, Op op)
    {
        var now = couple.Now;
        var c = couple.Client;
        var s = couple.Server;
        int bytes = Math.Abs(op.A);
        switch (op.Kind)
        {
            case 0: c.Connect(now, Couple.ClientTuple, new SeqNum((uint)op.B * 7919u), couple.ClientSink); break;
            case 1: s.Listen(now, Couple.ServerAddr, Couple.ServerPort, new SeqNum((uint)op.B * 104729u), couple.ServerSink); break;
            case 2: c.Send(now, bytes, couple.ClientSink); break;
            case 3: s.Send(now, bytes, couple.ServerSink); break;
            case 4: c.Read(now, op.B, couple.ClientSink); break;
            case 5: s.Read(now, op.B, couple.ServerSink); break;
            case 6: (op.A >= 0 ? c : s).Close(now, op.A >= 0 ? couple.ClientSink : couple.ServerSink); break;
            case 7: (op.A >= 0 ? c : s).ShutdownWrite(now, op.A >= 0 ? couple.ClientSink : couple.ServerSink); break;
            case 8: if (op.B % 4 == 0) (op.A >= 0 ? c : s).Abort(now, op.A >= 0 ? couple.ClientSink : couple.ServerSink); break;
            case 9:
            case 10: couple.DriveFor(TimeSpan.FromMilliseconds(op.B)); break;
            case 11: couple.DriveFor(TimeSpan.FromSeconds(op.B % 300)); break;
            case 12: couple.Inject(Side.Server, Forge(s, op, fromClient: true), TimeSpan.FromMilliseconds(op.B % 30)); break;
            case 13: couple.Inject(Side.Client, Forge(c, op, fromClient: false), TimeSpan.FromMilliseconds(op.B % 30)); break;
            case 14: couple.LoseNext(op.A >= 0 ? Side.Client : Side.Server, (TcpFlags)(op.B & 0x1F)); break;
            case 15: couple.Lose = op.B % 3 == 0 ? (sent => sent.Segment.Seq.Value % 2 == 0) : null; break;
            case 16:
                // Spurious early timer calls must do nothing harmful.
                c.OnTimer(now, couple.ClientSink);
                s.OnTimer(now, couple.ServerSink);
                break;
            case 17:
                // A host admitting a SYN into a fresh child (only a CLOSED endpoint takes it).
                var syn = Forge(s, op, fromClient: true) with { Flags = TcpFlags.Syn, PayloadLength = 0 };
                s.AcceptSyn(now, syn, new SeqNum((uint)op.B * 31u), couple.ServerSink);
                break;
            case 18:
                // The server opens actively too: simultaneous open, or LISTEN → SYN_SENT.
                s.Connect(now, Couple.ServerTuple, new SeqNum((uint)op.B * 17u), couple.ServerSink);
                break;
        }
    }

    /// <summary>A segment aimed at <paramref name="target"/>: near its window most of the time, anywhere sometimes.</summary>
    private static Segment Forge(TcpEndpoint target, Op op, bool fromClient)
    {
        var flags = (TcpFlags)(op.B & 0x1F);
        bool far = op.B % 7 == 0;
        var seq = far ? new SeqNum((uint)op.A * 2654435761u) : target.RcvNxt + (op.A % 3000);
        var ack = op.B % 5 == 0 ? target.SndUna : target.SndNxt + (op.A % 5);
        var from = fromClient ? Couple.ClientTuple : Couple.ServerTuple;
        return new Segment
        {
            SrcAddr = from.LocalAddr, SrcPort = from.LocalPort, DstAddr = from.RemoteAddr, DstPort = from.RemotePort,
            Seq = seq, Ack = ack, Flags = flags,
            Window = (ushort)(op.B % 11 == 0 ? 0 : op.B & 0xFFFF),
            PayloadLength = (ushort)(op.A > 0 ? op.B % 1600 : 0),
        };
    }
}
