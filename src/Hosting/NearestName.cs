namespace RaftOrleans.Hosting;

/// <summary>"Did you mean": the known name nearest to a misspelt one, for the client's commands and options and the silo's settings.</summary>
public static class NearestName
{
    /// <summary>The known name closest to <paramref name="token"/> by edits (a third of its length at most), or one it begins; null if none is near.</summary>
    public static string? To(string token, IReadOnlyList<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: Distance(token.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(1, token.Length / 3))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
        return best ?? known.Where(name => token.Length >= 2 && name.StartsWith(token, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Edit distance counting insertions, deletions, substitutions and swaps of neighbours ("rnu" is one from "run").</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
