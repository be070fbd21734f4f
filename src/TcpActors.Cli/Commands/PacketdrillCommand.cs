using System.CommandLine;
using System.Text.Json;
using TcpActors.Tcp;
using TcpActors.Tcp.Packetdrill;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors packetdrill [--profile P] [--json] FILE...</c>: runs packetdrill scripts against the
/// sans-IO model (docs/cli.md). Each script ends passed, failed (its first differing line) or
/// unsupported (the first construct the model does not have); a summary line counts them. Exit 0
/// only when none failed, 1 when one did, 2 for usage errors (no such file, unknown profile).
/// </summary>
internal static class PacketdrillCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Scripts (.pkt) or folders of them", Arity = ArgumentArity.OneOrMore };
        var profileOption = new Option<string?>("--profile")
        {
            Description = "Run every script under this profile (linux, rfc9293, bsd, windows) instead of the profiles its '// profiles:' header names (default linux)",
            HelpName = "P",
        };
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON document" };
        var command = new Command("packetdrill", "Run packetdrill scripts against the TCP model and report passed, failed and unsupported");
        command.Arguments.Add(files);
        command.Options.Add(profileOption);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            TcpProfile? forced = null;
            if (parse.GetValue(profileOption) is { } name)
            {
                if (!TcpProfile.TryGet(name, out var p))
                {
                    error.WriteLine($"tcpactors: unknown profile '{name}' (linux, rfc9293, bsd, windows)");
                    return ExitCode.BadInput;
                }
                forced = p;
            }
            var scripts = new List<string>();
            foreach (string path in parse.GetValue(files)!)
            {
                if (Directory.Exists(path))
                {
                    var found = Directory.GetFiles(path, "*.pkt", SearchOption.AllDirectories);
                    Array.Sort(found, StringComparer.Ordinal);
                    scripts.AddRange(found);
                }
                else if (File.Exists(path)) scripts.Add(path);
                else
                {
                    error.WriteLine($"tcpactors: {path}: no such file or folder");
                    return ExitCode.BadInput;
                }
            }

            var results = new List<PacketdrillResult>();
            foreach (string path in scripts)
            {
                var script = PacketdrillParser.ParseFile(path);
                var profiles = new List<TcpProfile>();
                if (forced is not null) profiles.Add(forced);
                else
                {
                    foreach (string n in script.Profiles)
                    {
                        if (!TcpProfile.TryGet(n, out var p))
                        {
                            error.WriteLine($"tcpactors: {path}: unknown profile '{n}' in its header (linux, rfc9293, bsd, windows)");
                            return ExitCode.BadInput;
                        }
                        profiles.Add(p);
                    }
                    if (profiles.Count == 0) profiles.Add(TcpProfile.Linux);
                }
                foreach (var p in profiles)
                {
                    var result = PacketdrillRunner.Run(script, p);
                    results.Add(result);
                    if (!parse.GetValue(json)) output.WriteLine(result.ToString());
                }
            }

            int passed = results.Count(r => r.Outcome == PacketdrillOutcome.Passed);
            int failed = results.Count(r => r.Outcome == PacketdrillOutcome.Failed);
            int unsupported = results.Count(r => r.Outcome == PacketdrillOutcome.Unsupported);
            if (parse.GetValue(json))
            {
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("passed", passed);
                    writer.WriteNumber("failed", failed);
                    writer.WriteNumber("unsupported", unsupported);
                    writer.WriteStartArray("results");
                    foreach (var r in results)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("file", r.Path);
                        writer.WriteString("profile", r.Profile);
                        writer.WriteString("outcome", r.Outcome.ToString().ToLowerInvariant());
                        if (r.Outcome != PacketdrillOutcome.Passed)
                        {
                            writer.WriteNumber("line", r.Line);
                            writer.WriteString("message", r.Message);
                        }
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                output.WriteLine($"{passed} passed, {failed} failed, {unsupported} unsupported");
            }
            return failed == 0 ? ExitCode.Success : ExitCode.InvariantViolated;
        });
        return command;
    }
}
