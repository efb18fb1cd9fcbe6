using System.Globalization;
using System.Net;
using System.Text;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Silo;

/// <summary>
/// The silo's jobs page (the paper's status page, §4.8), served beside the dashboard at <c>/jobs</c>: every job
/// with its phase, progress and counters, and each task's state, silo, attempts and last sign of progress. It
/// reloads itself every two seconds.
/// </summary>
internal static class JobsPage
{
    public const string Path = "/jobs";

    public static async Task<string> RenderAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).GetAsync();
        var jobs = await Task.WhenAll(ids.Reverse().Select(async id =>
        {
            var job = grains.GetGrain<IMapReduceJobGrain>(id);
            return (Status: await job.GetStatusAsync(), Tasks: await job.GetTasksAsync());
        }));

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
            .Append("<title>Raft.Orleans jobs</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}")
            .Append("table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}")
            .Append("th{background:#f2f2f2}.Completed,.Done{color:#1a7f37}.Failed,.Cancelled{color:#cf222e}.Mapping,.Reducing,.InProgress{color:#9a6700}")
            .Append("</style></head><body><h1>MapReduce jobs</h1>");
        if (jobs.Length == 0)
        {
            html.Append("<p>No job has been submitted to this cluster.</p>");
        }

        foreach (var (status, tasks) in jobs)
        {
            var phase = status.Orphaned ? $"{status.Phase} (orphaned)" : status.Phase.ToString();
            html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{Encode(status.JobId)}\">{Encode(status.JobId)}: <span class=\"{status.Phase}\">{Encode(phase)}</span></h2>")
                .Append("<table><tr><th>app</th><th>maps</th><th>reduces</th><th>launches</th><th>re-executions</th><th>backups</th><th>started</th><th>elapsed</th><th>output</th></tr>")
                .Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(status.App)}</td><td>{status.MapsDone}/{status.MapsTotal}</td><td>{status.ReducesDone}/{status.ReducesTotal}</td><td>{status.TaskLaunches}</td><td>{status.ReExecutions}</td><td>{status.BackupLaunches}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{status.SubmittedAt:u}</td><td>{status.Elapsed.TotalSeconds:0.0} s</td><td>{Encode(status.OutputDirectory)}</td></tr></table>");
            if (status.Error is not null)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"Failed\">{Encode(status.Error)}</p>");
            }

            if (status.Counters is { Count: > 0 } counters)
            {
                html.Append("<table><tr><th>counter</th><th>value</th></tr>");
                foreach (var (name, value) in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(name)}</td><td>{value:#,0}</td></tr>");
                }

                html.Append("</table>");
            }

            html.Append("<table><tr><th>task</th><th>state</th><th>attempts</th><th>backups</th><th>silo</th><th>last progress</th><th>records out</th></tr>");
            foreach (var task in tasks)
            {
                var records = task.Counters.GetValueOrDefault(task.Kind == TaskKind.Map ? TaskCounters.MapOutputRecords : TaskCounters.OutputRecords);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{task.Kind.ToString().ToLowerInvariant()} {task.Index}</td><td class=\"{task.State}\">{task.State}</td><td>{task.Attempts}</td><td>{task.Backups}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{Encode(task.Silo ?? "-")}</td><td>{(task.LastProgressAt is { } at ? at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "-")}</td><td>{(task.State == "Done" ? records.ToString("#,0", CultureInfo.InvariantCulture) : "-")}</td></tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
