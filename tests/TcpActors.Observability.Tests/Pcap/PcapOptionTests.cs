namespace TcpActors.Observability.Tests.Pcap;

/// <summary><c>tcpactors run --pcap FILE</c> end to end: an absolute FILE is written there, whole.</summary>
public class PcapOptionTests
{
    [Fact]
    public void An_absolute_pcap_path_is_written_there_with_no_partial_file_left_and_tshark_counts_its_couples()
    {
        using var folder = new TemporaryFolder();
        string capture = folder["captures/storm.pcap"];

        var run = ChildProcess.TcpActors(folder.Path, "run", "teardown-storm", "--couples", "12", "--loss", "0", "--duration", "90s",
            "--quiet", "--out", "run", "--trace-couples", "5", "--pcap", capture);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"pcap: {capture}", run.Stdout, StringComparison.Ordinal);
        Assert.Equal([capture], Directory.GetFiles(folder["captures"], "*", new EnumerationOptions { AttributesToSkip = 0 }));
        var conversations = ChildProcess.Tshark("-r", capture, "-q", "-z", "conv,tcp");
        Assert.Equal(5, conversations.Stdout.Split('\n').Count(l => l.Contains("<->", StringComparison.Ordinal)));
    }
}
