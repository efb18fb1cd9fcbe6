using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.Silo.Jobs;

/// <summary>
/// The silo's jobs page (the paper's status page, §4.8), served beside the dashboard at <c>/jobs</c>: every job of the
/// cluster, newest first, with its state, progress and duration, each linking to its own page
/// (<see cref="JobPage"/>). It reloads itself every two seconds.
/// </summary>
internal static class JobListPage
{
    public const string Path = "/jobs";

    public static async Task<string> RenderAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).GetAsync();
        var jobs = (await Task.WhenAll(ids.Select(id => grains.GetGrain<IMapReduceJobGrain>(id).GetStatusAsync())))
            .Where(j => j.Phase != JobPhase.None)
            .OrderByDescending(j => j.SubmittedAt)
            .ToList();

        var html = JobsHtml.Begin("Raft.Orleans jobs", refresh: true).Append("<h1>MapReduce jobs</h1>");
        if (jobs.Count == 0)
        {
            return JobsHtml.End(html.Append("<p>No job has been submitted to this cluster.</p>"));
        }

        html.Append("<table><tr><th>job</th><th>state</th><th>app</th><th>maps</th><th>reduces</th><th>progress</th><th>started</th><th>duration</th></tr>");
        foreach (var job in jobs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{JobPage.Link(job.JobId)}\">{JobsHtml.Encode(job.JobId)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{job.Phase}\">{JobsHtml.Encode(JobsHtml.Phase(job))}</td><td>{JobsHtml.Encode(job.App)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{job.MapsDone}/{job.MapsTotal}</td><td class=\"n\">{job.ReducesDone}/{job.ReducesTotal}</td><td class=\"n\">{JobsHtml.Percent(job)}%</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{job.SubmittedAt:u}</td><td class=\"n\">{JobsHtml.Duration(job.Elapsed)}</td></tr>");
        }

        return JobsHtml.End(html.Append("</table>"));
    }
}
