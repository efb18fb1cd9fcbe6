namespace RaftOrleans.MapReduce.Apps;

/// <summary>Splits text into words: maximal runs of letters, everything else separates.</summary>
internal static class Words
{
    public static void ForEach<TState>(string text, TState state, Action<TState, string> onWord)
    {
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsLetter(text[i]))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                onWord(state, text[start..i]);
                start = -1;
            }
        }

        if (start >= 0)
        {
            onWord(state, text[start..]);
        }
    }
}
