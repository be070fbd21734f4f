using System.CommandLine;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors validate FILE</c>: loads a scenario file and prints <c>ok</c> (exit 0), or every
/// error as <c>file:line:col: message</c> (exit 2), as compilers do, so editors can jump to them.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The scenario file to check (YAML, schema v1)" };
        var command = new Command("validate", "Check a scenario file and report every error with its file, line and column");
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string path = parse.GetValue(file)!;
            var result = Directory.Exists(path)
                ? new ScenarioLoadResult(null, [new ScenarioError(path, 1, 1, "is a directory, not a scenario file")])
                : File.Exists(path)
                    ? ScenarioLoader.LoadFile(path)
                    : new ScenarioLoadResult(null, [new ScenarioError(path, 1, 1, "no such file")]);
            if (!result.Succeeded)
            {
                foreach (var e in result.Errors) error.WriteLine(e.ToString());
                return ExitCode.BadInput;
            }
            output.WriteLine("ok");
            return ExitCode.Success;
        });
        return command;
    }
}
