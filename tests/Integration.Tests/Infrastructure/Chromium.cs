using System.Diagnostics;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>Debian's <c>chromium</c>, headless: loads a page as a browser does and gives back its DOM (and a screenshot when asked).</summary>
public static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <returns>What the browser wrote to stdout (with <c>--dump-dom</c>: the page's DOM after it loaded).</returns>
    /// <exception cref="InvalidOperationException">chromium is not installed (<c>apt-get install chromium</c>) or failed.</exception>
    public static async Task<string> RunAsync(string workDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={Path.Combine(workDirectory, "chromium-profile")}", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("chromium is not installed (Debian: apt-get install chromium); .ci/run installs it.", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode == 0
                ? await stdout
                : throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {await stderr}");
        }
    }
}
