using System.Globalization;

namespace TcpActors.Cli.Tests;

/// <summary>
/// The files of <c>Corpus/malformed/</c>: broken scenarios with the position and message start of
/// their first error (<c>expected.tsv</c>, taken from the loader's own corpus).
/// </summary>
public static class MalformedCorpus
{
    /// <summary>The corpus folder as copied next to the tests.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Corpus", "malformed");

    /// <summary>Every case: file name, line, column and the start of the message.</summary>
    public static TheoryData<string, int, int, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, int, int, string>();
            foreach (string row in File.ReadAllLines(Path.Combine(Folder, "expected.tsv")))
            {
                if (row.Length == 0 || row.StartsWith('#')) continue;
                string[] f = row.Split('\t');
                cases.Add(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3]);
            }
            return cases;
        }
    }
}
