namespace TcpActors.Runtime.Tests;

public class RandomStreamTests
{
    private static ulong[] Draw(RandomStream stream, int count)
    {
        var values = new ulong[count];
        for (int i = 0; i < count; i++) values[i] = stream.NextUInt64();
        return values;
    }

    [Fact]
    public void Stream_42_7_matches_the_reference_xoshiro256_star_star_seeded_by_splitmix64()
    {
        // Expected values from a line-by-line port of Vigna's reference C code
        // (prng.di.unimi.it: splitmix64.c, xoshiro256starstar.c), seeded as RandomStream documents.
        Assert.Equal([0xab0b230f7fc48e9aUL, 0x048b0576862255caUL, 0x8f664d3da4409262UL], Draw(new RandomStream(42, 7), 3));
    }

    [Fact]
    public void The_same_seed_and_stream_id_give_the_same_sequence()
    {
        Assert.Equal(Draw(new RandomStream(7, 3), 100), Draw(new RandomStream(7, 3), 100));
    }

    [Fact]
    public void Different_stream_ids_or_seeds_give_different_sequences()
    {
        ulong[] baseline = Draw(new RandomStream(7, 3), 8);
        Assert.NotEqual(baseline, Draw(new RandomStream(7, 4), 8));
        Assert.NotEqual(baseline, Draw(new RandomStream(8, 3), 8));
        // The stream id is mixed with its own constant, so shifting one unit between seed and id
        // does not land on the same stream.
        Assert.NotEqual(Draw(new RandomStream(8, 2), 8), baseline);
    }

    [Fact]
    public void Streams_of_a_system_are_independent_so_adding_an_entity_does_not_reshuffle_the_others()
    {
        var system = new ActorSystem(seed: 99);
        RandomStream link0 = system.CreateRandomStream(0);
        ulong[] alone = Draw(link0, 10);

        var again = new ActorSystem(seed: 99);
        RandomStream newcomer = again.CreateRandomStream(5);
        Draw(newcomer, 1000);
        Assert.Equal(alone, Draw(again.CreateRandomStream(0), 10));
    }

    [Fact]
    public void Bounded_integers_stay_below_the_bound_and_cover_it()
    {
        var stream = new RandomStream(1, 1);
        var seen = new bool[7];
        for (int i = 0; i < 10_000; i++)
        {
            uint value = stream.NextUInt32(7);
            Assert.InRange(value, 0u, 6u);
            seen[value] = true;
        }
        Assert.All(seen, Assert.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomStream(1, 1).NextUInt32(0));
    }

    [Fact]
    public void Doubles_are_in_the_unit_interval_with_a_mean_near_one_half()
    {
        var stream = new RandomStream(2, 2);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double value = stream.NextDouble();
            Assert.InRange(value, 0.0, Math.BitDecrement(1.0));
            sum += value;
        }
        Assert.InRange(sum / 100_000, 0.49, 0.51);
    }

    [Fact]
    public void A_chance_of_zero_or_one_does_not_consume_the_stream()
    {
        var stream = new RandomStream(3, 3);
        var reference = new RandomStream(3, 3);
        Assert.False(stream.Chance(0));
        Assert.True(stream.Chance(1));
        Assert.Equal(reference.NextUInt64(), stream.NextUInt64());
    }

    [Fact]
    public void A_chance_of_a_quarter_comes_true_about_a_quarter_of_the_time()
    {
        var stream = new RandomStream(4, 4);
        int hits = 0;
        for (int i = 0; i < 100_000; i++) if (stream.Chance(0.25)) hits++;
        Assert.InRange(hits, 24_000, 26_000);
    }
}
