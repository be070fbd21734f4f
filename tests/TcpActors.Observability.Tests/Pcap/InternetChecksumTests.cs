using TcpActors.Observability.Pcap;

namespace TcpActors.Observability.Tests.Pcap;

public class InternetChecksumTests
{
    [Fact]
    public void The_rfc1071_example_sums_to_ddf2_and_its_checksum_is_the_complement()
    {
        // RFC 1071 §3, "Numerical Examples": the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
        byte[] bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, InternetChecksum.Of(bytes));
    }

    [Fact]
    public void An_odd_last_byte_counts_as_the_high_byte_of_a_word_padded_with_zero()
    {
        Assert.Equal(InternetChecksum.Of([0x12, 0x34, 0x56, 0x00]), InternetChecksum.Of([0x12, 0x34, 0x56]));
    }

    [Fact]
    public void Data_followed_by_its_own_checksum_sums_to_all_ones_which_is_how_a_receiver_checks_it()
    {
        byte[] header = [0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0, 0, 10, 0, 0, 1, 172, 16, 0, 1];
        ushort checksum = InternetChecksum.Of(header);
        header[10] = (byte)(checksum >> 8);
        header[11] = (byte)checksum;

        Assert.Equal(0, InternetChecksum.Of(header));
    }
}
