using System.Text.RegularExpressions;
using TcpActors.Observability.Ladder;
using TcpActors.Observability.Pcap;
using TcpActors.Observability.Tracing;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Headers;

namespace TcpActors.Observability.Tests.Pcap;

/// <summary>
/// The capture of a real run, read by the real tshark (Debian package <c>tshark</c>, listed in
/// .ci/apt-packages): IPv4 and TCP checksum validation switched on, so a bad checksum is an
/// expert error, and the expert and conversation statistics checked.
/// </summary>
public partial class TsharkTests
{
    private static readonly string[] Validate = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"];

    [GeneratedRegex(@"^(Errors|Warns) \((\d+)\)", RegexOptions.Multiline)]
    private static partial Regex ErrorsOrWarnings();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+:\d+\s+<->\s+\d+\.\d+\.\d+\.\d+:\d+\s", RegexOptions.Multiline)]
    private static partial Regex ConversationRow();

    private static (string Path, long Packets, LadderRecorder Ladders) Capture(TemporaryFolder folder, string loss, KernelSynOptions? kernel = null)
    {
        string path = folder["storm.pcap"];
        var pcap = PcapWriter.Create(path, kernel);
        var ladders = new LadderRecorder(maxCouples: SmallStorm.Couples);
        var report = SmallStorm.Run(TraceFanOut.Of(pcap, ladders)!, loss);
        Assert.True(report.Invariants.Ok, string.Join("\n", report.Invariants.Violations));
        pcap.Complete();
        return (path, pcap.Packets, ladders);
    }

    private static ChildOutcome Tshark(params string[] args)
    {
        var outcome = ChildProcess.Tshark(args);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return outcome;
    }

    [Fact]
    public void Tshark_reads_a_clean_storm_with_valid_checksums_no_warnings_and_one_conversation_per_couple()
    {
        using var folder = new TemporaryFolder();
        var (path, packets, ladders) = Capture(folder, loss: "0");

        var expert = Tshark(["-r", path, .. Validate, "-q", "-z", "expert"]);
        var conversations = Tshark(["-r", path, "-q", "-z", "conv,tcp"]);
        var frames = Tshark(["-r", path, .. Validate, "-T", "fields", "-e", "frame.number"]);
        var malformed = Tshark(["-r", path, .. Validate, "-Y", "_ws.malformed || _ws.expert.severity >= warning"]);

        Assert.True(packets >= SmallStorm.Couples * 9, $"a couple's life is at least nine segments; got {packets}");
        Assert.False(ErrorsOrWarnings().IsMatch(expert.Stdout), expert.Stdout);
        Assert.Contains("Connection establish request (SYN)", expert.Stdout, StringComparison.Ordinal);
        Assert.Equal(SmallStorm.Couples, ConversationRow().Count(conversations.Stdout));
        Assert.Equal(packets, frames.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("", malformed.Stdout.Trim());
        int segments = 0;
        foreach (var ladder in ladders.Ladders) segments += ladder.SegmentsIn(Simulation.Network.LinkDirection.ClientToServer) + ladder.SegmentsIn(Simulation.Network.LinkDirection.ServerToClient);
        Assert.Equal(segments, packets);
    }

    [Fact]
    public void Linux_syns_show_linux_options_and_windows_in_tshark_and_later_windows_scale_back_to_the_models()
    {
        using var folder = new TemporaryFolder();
        var (path, _, _) = Capture(folder, loss: "0", KernelSynOptions.For(TcpProfile.Linux));

        string[] Fields(string filter, params string[] fields) =>
            Tshark(["-r", path, .. Validate, "-Y", filter, "-T", "fields", "-E", "separator=;", .. fields.SelectMany(f => new[] { "-e", f })])
                .Stdout.Split('\n')[0].Trim().Split(';');

        var syn = Fields("tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.timestamp.tsecr", "tcp.window_size_value", "tcp.hdr_len");
        Assert.Equal(["1460", "7", "0402", "0", "64240", "40"], syn); // sack_perm prints the option: kind 4, length 2
        var synAck = Fields("tcp.flags.syn == 1 && tcp.flags.ack == 1", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.window_size_value");
        Assert.Equal(["1460", "7", "65160"], synAck);
        // 65535 >> 7 = 511 on the wire; Wireshark scales it back by 128.
        var ack = Fields("tcp.flags.syn == 0 && tcp.stream == 0", "tcp.window_size_value", "tcp.window_size");
        Assert.Equal(["511", "65408"], ack);
        var expert = Tshark(["-r", path, .. Validate, "-q", "-z", "expert"]);
        Assert.False(ErrorsOrWarnings().IsMatch(expert.Stdout), expert.Stdout);
    }

    [Fact]
    public void Tshark_sees_each_traced_segment_with_the_flags_seq_and_ack_of_the_trace()
    {
        using var folder = new TemporaryFolder();
        var (path, _, ladders) = Capture(folder, loss: "0");

        var fields = Tshark(["-r", path, "-Y", "tcp.stream == 0", "-T", "fields", "-E", "separator=,",
            "-e", "tcp.flags", "-e", "tcp.seq_raw", "-e", "tcp.ack_raw", "-e", "tcp.len"]);

        // Stream 0 is the first conversation in the file: couple 0, which connects first.
        var expected = new List<string>();
        foreach (var e in ladders.Ladders[0].Events)
        {
            if (e.Kind != LadderEventKind.Segment) continue;
            uint ack = (e.Flags & Tcp.TcpFlags.Ack) != 0 ? e.Ack : 0;
            expected.Add($"0x{(int)e.Flags:x4},{e.Seq},{ack},{e.Length}");
        }
        Assert.Equal(expected, fields.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void On_a_lossy_network_tshark_still_finds_every_conversation_and_no_bad_checksum()
    {
        using var folder = new TemporaryFolder();
        var (path, _, ladders) = Capture(folder, loss: "10%");

        var expert = Tshark(["-r", path, .. Validate, "-q", "-z", "expert"]);
        var conversations = Tshark(["-r", path, "-q", "-z", "conv,tcp"]);

        int hurt = 0;
        foreach (var ladder in ladders.Ladders) hurt += ladder.SegmentsHurt;
        Assert.True(hurt > 0, "10% loss over 20 couples drops some segment");
        Assert.DoesNotContain("Bad checksum", expert.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Malformed", expert.Stdout, StringComparison.Ordinal);
        Assert.Equal(SmallStorm.Couples, ConversationRow().Count(conversations.Stdout));
    }

    [Fact]
    public void A_capture_with_one_damaged_byte_is_reported_by_tshark_as_a_bad_checksum()
    {
        // The check above can fail: flip one bit of the first packet's TCP header.
        using var folder = new TemporaryFolder();
        var (path, _, _) = Capture(folder, loss: "0");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[24 + 16 + 20 + 4] ^= 1; // the SYN's sequence number
        File.WriteAllBytes(path, bytes);

        var expert = Tshark(["-r", path, .. Validate, "-q", "-z", "expert"]);

        Assert.Matches(ErrorsOrWarnings(), expert.Stdout);
        Assert.Contains("Bad checksum", expert.Stdout, StringComparison.Ordinal);
    }
}
