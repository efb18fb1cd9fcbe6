using System.Diagnostics;

namespace RaftOrleans.Bench;

/// <summary>A child process of a benchmark: its output lines kept (the last few hundred), waited on, killed on dispose.</summary>
internal sealed class BenchProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = [];

    private BenchProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public static BenchProcess Start(string name, string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var started = new BenchProcess(name, process);
        process.OutputDataReceived += (_, e) => started.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => started.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for a line <paramref name="match"/> accepts: one already seen, or (<paramref name="next"/>) only one yet to come.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>, or the process ended first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, bool next = false)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (!next && _lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            _waits.Add((match, seen));
        }

        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(seen.Task, exited, Task.Delay(timeout)) != seen.Task)
        {
            throw new TimeoutException($"{Name} did not say what was awaited within {timeout.TotalSeconds:0} s (exited: {_process.HasExited}). Last lines:{Environment.NewLine}{Tail()}");
        }

        return await seen.Task;
    }

    public string Tail(int count = 20)
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(count).Select(l => $"  [{Name}] {l}"));
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > 400)
            {
                _lines.Dequeue();
            }

            foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
            {
                _waits.Remove(wait);
                matched.Add(wait.Seen);
            }
        }

        matched.ForEach(m => m.TrySetResult(line));
    }
}
