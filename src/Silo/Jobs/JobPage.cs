using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Silo.Jobs;

/// <summary>
/// One job's page, <c>/jobs/{id}</c>: its state, counters and warnings, then its tasks, those running and those whose
/// attempts failed first, each with its silo, duration and input size, a hundred to a page (<c>?page=2</c>).
/// </summary>
internal static class JobPage
{
    public const string Route = "/jobs/{id}";

    public const int TasksPerPage = 100;

    public static string Link(string jobId, int page = 1) =>
        page == 1 ? $"{JobListPage.Path}/{Uri.EscapeDataString(jobId)}" : $"{JobListPage.Path}/{Uri.EscapeDataString(jobId)}?page={page}";

    /// <returns>The page, or null when no such job is known.</returns>
    public static async Task<string?> RenderAsync(IGrainFactory grains, string jobId, int page)
    {
        var job = grains.GetGrain<IMapReduceJobGrain>(jobId);
        var status = await job.GetStatusAsync();
        if (status.Phase == JobPhase.None)
        {
            return null;
        }

        var tasks = Ordered(await job.GetTasksAsync());
        var pages = Math.Max(1, (tasks.Count + TasksPerPage - 1) / TasksPerPage);
        page = Math.Clamp(page, 1, pages);

        var html = JobsHtml.Begin($"{status.JobId}: Raft.Orleans job", refresh: !status.IsFinished)
            .Append(CultureInfo.InvariantCulture, $"<nav><a href=\"{JobListPage.Path}\">all jobs</a></nav>")
            .Append(CultureInfo.InvariantCulture, $"<h1>{JobsHtml.Encode(status.JobId)}: <span class=\"{status.Phase}\">{JobsHtml.Encode(JobsHtml.Phase(status))}</span></h1>")
            .Append("<table><tr><th>app</th><th>maps</th><th>reduces</th><th>progress</th><th>launches</th><th>re-executions</th><th>backups</th><th>started</th><th>duration</th><th>output</th></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><td>{JobsHtml.Encode(status.App)}</td><td class=\"n\">{status.MapsDone}/{status.MapsTotal}</td><td class=\"n\">{status.ReducesDone}/{status.ReducesTotal}</td><td class=\"n\">{JobsHtml.Percent(status)}%</td>")
            .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{status.TaskLaunches}</td><td class=\"n\">{status.ReExecutions}</td><td class=\"n\">{status.BackupLaunches}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{status.SubmittedAt:u}</td><td class=\"n\">{JobsHtml.Duration(status.Elapsed)}</td><td>{JobsHtml.Encode(status.OutputDirectory)}</td></tr></table>");
        if (status.Error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"Failed\">{JobsHtml.Encode(status.Error)}</p>");
        }

        foreach (var warning in status.Warnings ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"Retrying\">warning: {JobsHtml.Encode(warning)}</p>");
        }

        if (status.Counters is { Count: > 0 } counters)
        {
            html.Append("<table><tr><th>counter</th><th>value</th></tr>");
            foreach (var (name, value) in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{JobsHtml.Encode(name)}</td><td class=\"n\">{value:#,0}</td></tr>");
            }

            html.Append("</table>");
        }

        var first = (page - 1) * TasksPerPage;
        var shown = tasks.Skip(first).Take(TasksPerPage).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Tasks {first + 1}-{first + shown.Count} of {tasks.Count}</h2>");
        Pager(html, status.JobId, page, pages);
        html.Append("<table><tr><th>task</th><th>state</th><th>attempts</th><th>failures</th><th>backups</th><th>silo</th><th>duration</th><th>input</th><th>last progress</th><th>records out</th></tr>");
        foreach (var task in shown)
        {
            var records = task.Counters.GetValueOrDefault(task.Kind == TaskKind.Map ? TaskCounters.MapOutputRecords : TaskCounters.OutputRecords);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{task.Kind.ToString().ToLowerInvariant()} {task.Index}</td><td class=\"{StateOf(task)}\">{StateOf(task)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{task.Attempts}</td><td class=\"n\">{task.Failures}</td><td class=\"n\">{task.Backups}</td><td>{JobsHtml.Encode(task.Silo ?? "-")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{JobsHtml.Duration(task.Duration)}</td><td class=\"n\">{JobsHtml.Bytes(task.InputBytes)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(task.LastProgressAt is { } at ? at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "-")}</td><td class=\"n\">{(task.State == "Done" ? records.ToString("#,0", CultureInfo.InvariantCulture) : "-")}</td></tr>");
        }

        html.Append("</table>");
        Pager(html, status.JobId, page, pages);
        return JobsHtml.End(html);
    }

    /// <summary>Running tasks first, then those whose attempts failed and wait to run again, then the idle, then the done; each by kind and index.</summary>
    private static List<TaskView> Ordered(IEnumerable<TaskView> tasks) =>
        tasks.OrderBy(t => StateOf(t) switch { "InProgress" => 0, "Retrying" => 1, "Idle" => 2, _ => 3 })
            .ThenBy(t => t.Kind)
            .ThenBy(t => t.Index)
            .ToList();

    /// <summary>A task's state, with "Retrying" for an idle task one of whose attempts failed.</summary>
    private static string StateOf(TaskView task) => task.State == "Idle" && task.Failures > 0 ? "Retrying" : task.State;

    private static void Pager(System.Text.StringBuilder html, string jobId, int page, int pages)
    {
        if (pages == 1)
        {
            return;
        }

        html.Append("<nav>");
        if (page > 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{Link(jobId, page - 1)}\">previous</a>");
        }

        html.Append(CultureInfo.InvariantCulture, $"page {page} of {pages}");
        if (page < pages)
        {
            html.Append(CultureInfo.InvariantCulture, $" <a href=\"{Link(jobId, page + 1)}\">next</a>");
        }

        html.Append("</nav>");
    }
}
