using System.Globalization;
using System.Reflection;
using System.Text;
using RaftOrleans.Hosting;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Hosting;

/// <summary>README's settings table lists every setting a silo binds, once, with its default; nothing else.</summary>
public sealed class SettingsTableTests(ITestOutputHelper output)
{
    private const string Begin = "<!-- settings: checked by SettingsTableTests -->";
    private const string End = "<!-- /settings -->";

    [Fact]
    public void ReadmeListsEverySetting_WithItsDefault()
    {
        var expected = Settings().ToList();
        var listed = ReadmeRows().ToList();

        if (!expected.Select(s => (s.Name, s.Default)).SequenceEqual(listed.Select(r => (r.Name, r.Default))))
        {
            // What the table's first two columns must be, to paste over it.
            var table = new StringBuilder();
            foreach (var (name, value) in expected)
            {
                table.Append(CultureInfo.InvariantCulture, $"| `{name}` | {value} | {listed.FirstOrDefault(r => r.Name == name).What ?? "TODO"} |\n");
            }

            output.WriteLine(table.ToString());
        }

        Assert.Equal(expected.Select(s => (s.Name, s.Default)), listed.Select(r => (r.Name, r.Default)));
        Assert.All(listed, row => Assert.False(string.IsNullOrWhiteSpace(row.What), $"{row.Name} says nothing"));
    }

    /// <summary>Each bindable property of each section, named below <c>RaftOrleans</c>, with its default as README shows it.</summary>
    private static IEnumerable<(string Name, string Default)> Settings()
    {
        foreach (var (section, type) in SiloSettings.Sections)
        {
            var prefix = section == SiloHostOptions.SectionName ? string.Empty : section[(SiloHostOptions.SectionName.Length + 1)..] + ":";
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
            {
                yield return (prefix + property.Name, Show(property.GetValue(defaults)));
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null or "" => "(none)",
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture) is var text && text.Contains('.') ? text.TrimEnd('0') : text,
        string text => text.Replace(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "~", StringComparison.Ordinal),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static IEnumerable<(string Name, string Default, string What)> ReadmeRows()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md has no table between '{Begin}' and '{End}'");
        foreach (var line in readme[(start + Begin.Length)..end].Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            yield return (cells[1].Trim('`'), cells[2], cells[3]);
        }
    }
}
