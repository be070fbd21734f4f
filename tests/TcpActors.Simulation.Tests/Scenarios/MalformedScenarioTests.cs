using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Tests.Scenarios;

/// <summary>
/// A corpus of broken scenario files. Each case pins the exact line and column of the first error
/// and a fragment of its message, so that a user reading the error finds the spot and the fix.
/// </summary>
public class MalformedScenarioTests
{
    private const string Ok = "name: x\nworkload: { couples: 10 }\n";

    public static TheoryData<string, string, int, int, string> Corpus => new()
    {
        { "unknown-key-with-suggestion", "name: x\nworkload: { couples: 1 }\nnetwork:\n  delay: 10ms\n  lossy: 0.1\n",
            5, 3, "unknown key 'lossy' in network; did you mean 'loss'? (expected one of: delay, jitter," },
        { "unknown-top-level-key", "name: x\nworkload: { couples: 1 }\nchoas: []\n", 3, 1, "unknown key 'choas' in the scenario; did you mean 'chaos'?" },
        { "unknown-key-far-from-any", "name: x\nworkload: { couples: 1, zzzzzz: 1 }\n", 2, 25, "unknown key 'zzzzzz' in workload (expected one of: couples," },
        { "key-in-the-wrong-section", Ok + "network: { time_wait: 30s }\n", 3, 12, "unknown key 'time_wait' in network; 'time_wait' belongs under tcp (expected one of:" },
        { "loss-above-one", Ok + "network: { loss: 1.5 }\n", 3, 18, "network.loss must be a probability from 0 to 1 (or 0% to 100%); got 1.5" },
        { "negative-couples", "name: x\nworkload:\n  couples: -3\n", 3, 12, "workload.couples must be a whole number from 0 to 100000000; got -3" },
        { "duration-without-unit", Ok + "network: { delay: 10 }\n", 3, 19, "network.delay needs a unit: write '10s' or '10ms', not '10'" },
        { "duration-not-a-duration", Ok + "network: { delay: fast }\n", 3, 19, "network.delay must be a duration with a unit, such as 250ms" },
        { "negative-duration", Ok + "network: { jitter: -2ms }\n", 3, 20, "network.jitter must not be negative; got '-2ms'" },
        { "chaos-after-end-of-run", Ok + "run: { duration: 60s }\nchaos:\n  - { at: 90s, loss: 0.3 }\n",
            5, 11, "chaos[0] starts at 90s, at or after the end of the run (60s)" },
        { "chaos-window-past-end", Ok + "run: { duration: 60s }\nchaos:\n  - { at: 50s, for: 20s, loss: 0.3 }\n",
            5, 11, "chaos[0] ends at 70s, after the end of the run (60s)" },
        { "selector-host-does-not-exist", Ok + "chaos:\n  - { at: 1s, crash: server-3 }\n",
            4, 22, "chaos[0].crash: 'server-3' names a host that does not exist (there is 1 server: server-0)" },
        { "selector-range-beyond-clients", Ok + "hosts: { clients: { count: 3 } }\nnetwork:\n  links:\n    - { between: [client-0..4, servers], delay: 1ms }\n",
            6, 19, "network.links[0].between[0]: 'client-0..4' names a host that does not exist (there are 3 clients: client-0..2)" },
        { "selector-garbage", Ok + "chaos:\n  - { at: 1s, crash: db-1 }\n", 4, 22, "chaos[0].crash must be a host selector: clients, servers, server-0 or client-0..4; got 'db-1'" },
        { "min-port-above-max", Ok + "tcp:\n  port_range: [60999, 32768]\n", 4, 15, "tcp.port_range: min port 60999 is above max port 32768" },
        { "duplicate-key", "name: x\nworkload: { couples: 1 }\nseed: 1\nseed: 2\n", 4, 1, "duplicate key 'seed' (first given at line 3)" },
        { "empty-file", "", 1, 1, "the file is empty" },
        { "only-a-comment", "# nothing here\n", 1, 1, "the file holds no YAML document" },
        { "bad-yaml-unclosed-brace", "name: x\nworkload: { couples: 1\nrun: {}\n", 2, 13, "YAML syntax error after this point: a '{' or '[' is not closed" },
        { "bad-yaml-unclosed-quote", "name: \"x\nworkload: { couples: 1 }\n", 1, 7, "YAML syntax error: " },
        { "bad-yaml-tab-indent", "name: x\nworkload:\n\tcouples: 1\n", 3, 1, "YAML syntax error: a tab indents this line; YAML indents with spaces only" },
        { "missing-name", "workload: { couples: 1 }\n", 1, 1, "missing required key 'name'" },
        { "missing-workload-couples", "name: x\nworkload:\n  open: { at: 0s }\n", 3, 3, "missing required key 'couples'" },
        { "shards-below-one", Ok + "run: { shards: 0 }\n", 3, 16, "run.shards must be a whole number from 1 to 4096; got 0" },
        { "shards-above-clients", Ok + "run: { shards: 2 }\n", 3, 16, "run.shards (2) exceeds the client hosts (1)" },
        { "unknown-profile", "name: x\nprofile: linx\nworkload: { couples: 1 }\n", 2, 10, "unknown profile 'linx'; did you mean 'linux'?" },
        { "wrong-type-mapping-for-scalar", "name: x\nworkload:\n  couples: { n: 3 }\n", 3, 12, "workload.couples must be a whole number from 0 to 100000000; got a mapping" },
        { "wrong-type-scalar-for-mapping", Ok + "hosts: many\n", 3, 8, "hosts must be a mapping of keys; got 'many'" },
        { "bad-enum-with-suggestion", "name: x\nworkload:\n  couples: 1\n  close: { at: 1s, by: clients }\n", 4, 24, "workload.close.by must be one of client | server | both | random; got 'clients'; did you mean 'client'?" },
        { "bad-jitter-distribution", Ok + "network: { jitter: 1ms, jitter_distribution: gaussian }\n", 3, 46, "network.jitter_distribution must be one of uniform | normal | pareto | paretonormal; got 'gaussian'" },
        { "ge-key-under-bernoulli", Ok + "network:\n  loss: { model: bernoulli, p: 0.1, r: 0.5 }\n", 4, 37, "network.loss.r belongs to model gilbert_elliott, not bernoulli" },
        { "unknown-loss-model", Ok + "network:\n  loss: { model: gemodel, p: 0.1 }\n", 4, 18, "network.loss.model must be one of bernoulli | gilbert_elliott; got 'gemodel'" },
        { "chaos-event-does-nothing", Ok + "chaos:\n  - { at: 1s, for: 2s }\n", 4, 5, "chaos[0] does nothing" },
        { "chaos-event-does-two-things", Ok + "chaos:\n  - { at: 1s, for: 2s, loss: 0.5, blackhole: true }\n", 4, 35, "chaos[0] does more than one thing ('loss' and 'blackhole')" },
        { "crash-with-for", Ok + "chaos:\n  - { at: 1s, for: 2s, crash: server-0 }\n", 4, 15, "chaos[0]: a crash has no 'for'; use restart_after" },
        { "crash-with-between", Ok + "chaos:\n  - { at: 1s, crash: servers, between: [clients, servers] }\n", 4, 31, "chaos[0].between selects links; a crash selects hosts with 'crash: server-0'" },
        { "drop-unknown-flag", Ok + "chaos:\n  - { at: 1s, drop: { flags: [ACK, FYN] } }\n", 4, 36, "chaos[0].drop.flags must be one of FIN | SYN | RST | PSH | ACK; got 'FYN'; did you mean 'FIN'?" },
        { "churn-and-close-together", "name: x\nworkload:\n  couples: 1\n  close: { at: 1s }\n  churn: { rate: 10/s, lifetime: 1s }\n", 4, 3, "workload.churn replaces workload.close" },
        { "rate-without-per-second", "name: x\nworkload:\n  couples: 1\n  churn: { rate: 10, lifetime: 1s }\n", 4, 18, "workload.churn.rate must be a rate such as 500/s; got '10'" },
        { "size-with-bad-unit", "name: x\nworkload:\n  couples: 1\n  exchange: { request: 1KG }\n", 4, 24, "workload.exchange.request must be a size such as 100B, 1KB or 2MB; got '1KG'" },
        { "initial-rto-below-min", Ok + "tcp: { initial_rto: 100ms }\n", 3, 6, "tcp.initial_rto (100ms) must lie between min_rto (200ms) and max_rto (120s)" },
        { "tw-reuse-out-of-range", Ok + "tcp: { tw_reuse: 3 }\n", 3, 18, "tcp.tw_reuse must be a whole number from 0 to 2; got 3" },
        { "not-a-mapping-at-all", "- a\n- b\n", 1, 1, "a scenario must be a mapping of keys (name, workload, ...); got a list" },
        { "two-documents", Ok + "---\nname: y\n", 3, 1, "a scenario file holds one YAML document; found a second one" },
        { "sample-every-longer-than-run", Ok + "run: { duration: 5s, sample_every: 10s }\n", 3, 6, "run.sample_every (10s) is longer than run.duration (5s)" },
        { "syn-flood-at-a-client", "name: x\nworkload:\n  couples: 1\n  syn_flood: { rate: 100/s, target: client-0 }\n", 4, 37, "workload.syn_flood.target must select servers; got 'client-0'" },
        { "bool-that-is-not", Ok + "tcp: { rfc1337: yes }\n", 3, 17, "tcp.rfc1337 must be true or false; got 'yes'" },
        { "name-with-spaces", "name: my scenario\nworkload: { couples: 1 }\n", 1, 7, "name must be a non-empty word of letters, digits" },
        { "nul-byte", "name: x\nworkload: { couples: 1 }\n\0seed: 3\n", 3, 1, "a NUL byte is not allowed in a scenario; YAML is text" },
        { "nul-byte-inside-a-value", "name: x\0y\nworkload: { couples: 1 }\n", 1, 8, "a NUL byte is not allowed in a scenario" },
        { "control-character", Ok + "seed: 3\u0007\n", 3, 8, "the control character U+0007 is not allowed in a scenario" },
        { "duration-too-long", Ok + "run: { duration: 99999999999999h }\n", 3, 18, "run.duration is too long: at most 256204778h (about 29,000 years); got '99999999999999h'" },
        { "duration-too-long-with-exponent", Ok + "network: { delay: 1e30s }\n", 3, 19, "network.delay is too long: at most 256204778h (about 29,000 years); got '1e30s'" },
        { "yaml-merge-key", Ok + "chaos:\n  - &burst { at: 1s, for: 2s, loss: 0.5 }\n  - { <<: *burst, at: 5s }\n", 5, 7, "YAML merge keys ('<<') are not supported in scenarios; write the keys out" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_malformed_scenario_is_reported_at_its_line_and_column(string caseName, string yaml, int line, int column, string message)
    {
        var result = ScenarioLoader.LoadText(yaml, $"bad/{caseName}.yaml");

        Assert.Null(result.Scenario);
        Assert.False(result.Succeeded);
        var first = result.Errors[0];
        Assert.Equal($"bad/{caseName}.yaml", first.File);
        Assert.True(first.Message.Contains(message, StringComparison.Ordinal) && (line, column) == (first.Line, first.Column), $"error was: {first}");
        Assert.True(first.Message.Contains(message, StringComparison.Ordinal), $"message was: {first.Message}");
        Assert.Equal((line, column), (first.Line, first.Column));
        Assert.StartsWith($"bad/{caseName}.yaml:{line}:{column}: ", first.ToString());
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_not_just_the_first()
    {
        const string yaml = """
            name: many-mistakes
            workload:
              couples: -1
            network:
              lossy: 0.1
              delay: 10
            run: { shards: 0, duration: 1 }
            """;
        var errors = ScenarioLoader.LoadText(yaml, "x.yaml").Errors;

        Assert.Equal(
            ["x.yaml:3:12", "x.yaml:5:3", "x.yaml:6:10", "x.yaml:7:16", "x.yaml:7:29"],
            errors.Select(e => $"{e.File}:{e.Line}:{e.Column}"));
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_an_error_not_an_exception()
    {
        var result = ScenarioLoader.LoadFile(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "x.yaml"));
        var error = Assert.Single(result.Errors);
        Assert.Contains("cannot read the file", error.Message);
        Assert.Equal((1, 1), (error.Line, error.Column));
    }

    [Fact]
    public void GetOrThrow_lists_every_error_in_its_message()
    {
        var result = ScenarioLoader.LoadText("name: x\nworkload: { couples: -1 }\nseed: z\n", "f.yaml");
        var e = Assert.Throws<InvalidDataException>(() => result.GetOrThrow());
        Assert.Contains("f.yaml:2:22:", e.Message);
        Assert.Contains("f.yaml:3:7:", e.Message);
    }
}
