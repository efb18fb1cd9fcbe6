using System.Diagnostics;
using System.Text;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// A <c>dotnet &lt;dll&gt;</c> process (or another program) of the test: its output lines are recorded and can be awaited, every wait is
/// bounded, and it can be killed for real (SIGKILL) or asked to stop (SIGTERM). Disposing kills it if it still runs.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<OutputLine> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<OutputLine> Found)> _waiters = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<OutputLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <param name="environment">Variables to set in the child (a null value removes one).</param>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) =>
        StartProgram(name, Binaries.DotnetHost, [dll, .. arguments], workingDirectory, environment);

    /// <summary>Any program, e.g. a wrapper that runs <c>dotnet &lt;dll&gt;</c> in a namespace of its own.</summary>
    public static ChildProcess StartProgram(string name, string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The child's own settings only: no Redis of the test environment leaks into a silo by accident.
        info.Environment.Remove("RaftOrleans__Redis");
        info.Environment.Remove("RaftOrleans__Cluster");
        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(variable);
            }
            else
            {
                info.Environment[variable] = value;
            }
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The first line (already written or still to come) that <paramref name="match"/> accepts.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The process ended without writing one.</exception>
    public async Task<OutputLine> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var found = new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(l => match(l.Text)) is { } line)
            {
                return line;
            }

            _waiters.Add((match, found));
        }

        var ended = _outputClosed.Task;
        var first = await Task.WhenAny(found.Task, ended, Task.Delay(timeout));
        if (first == found.Task)
        {
            return await found.Task;
        }

        lock (_lines)
        {
            _waiters.RemoveAll(w => w.Found == found);
        }

        if (found.Task.IsCompleted)
        {
            return await found.Task;
        }

        throw first == ended
            ? new InvalidOperationException($"{Name} ended (exit code {ExitCodeOrNull()}) before {what}.{Environment.NewLine}{Tail()}")
            : new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Tail()}");
    }

    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} still running after {timeout.TotalSeconds:0} s.{Environment.NewLine}{Tail()}");
        }

        // The exit is seen before the last output lines are read: let them be recorded too.
        await Task.WhenAny(_outputClosed.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        return _process.ExitCode;
    }

    /// <summary>Writes <paramref name="text"/> to the child's stdin and closes it.</summary>
    public async Task WriteStdinAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        _process.StandardInput.Close();
    }

    /// <summary>SIGINT: what Ctrl+C in a terminal sends.</summary>
    public void Interrupt() => Signal("INT");

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM: what a service manager sends to stop a process.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGSTOP: the process freezes, sockets open and silent, as a host that stalls.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT: a paused process goes on.</summary>
    public void Resume() => Signal("CONT");

    public string Tail(int count = 40)
    {
        var lines = Lines;
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Count - count)).Select(l => $"  [{Name}] {l}"));
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
            // Already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? text, bool isError)
    {
        if (text is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputClosed.TrySetResult();
            }

            return;
        }

        var line = new OutputLine(DateTime.UtcNow, isError, text);
        List<TaskCompletionSource<OutputLine>> matched = [];
        lock (_lines)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(text))
                {
                    matched.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var found in matched)
        {
            found.TrySetResult(line);
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private int? ExitCodeOrNull() => _process.HasExited ? _process.ExitCode : null;
}
