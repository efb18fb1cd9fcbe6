using System.Globalization;
using System.Net;
using System.Text;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.Silo.Jobs;

/// <summary>What the jobs pages share: the page frame and style, and how a job's numbers read.</summary>
internal static class JobsHtml
{
    public static StringBuilder Begin(string title, bool refresh) =>
        new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append(refresh ? "<meta http-equiv=\"refresh\" content=\"2\">" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}")
            .Append("table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}")
            .Append("td.n{text-align:right}th{background:#f2f2f2}nav a{margin-right:1em}")
            .Append(".Completed,.Done{color:#1a7f37}.Failed,.Cancelled,.Retrying{color:#cf222e}.Mapping,.Reducing,.InProgress{color:#9a6700}")
            .Append("</style></head><body>");

    public static string End(StringBuilder html) => html.Append("</body></html>").ToString();

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public static string Phase(JobStatus status) =>
        status.Orphaned ? $"{status.Phase} (orphaned)"
        : status.RunsInClientProcess is { } pid ? $"{status.Phase} (in client process {pid})"
        : status.Phase.ToString();

    /// <summary>Tasks done of all, both phases together.</summary>
    public static int Percent(JobStatus status) =>
        status.MapsTotal + status.ReducesTotal == 0 ? 0 : (status.MapsDone + status.ReducesDone) * 100 / (status.MapsTotal + status.ReducesTotal);

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "-",
        { TotalSeconds: < 60 } d => d.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture),
        { TotalHours: < 1 } d => d.ToString(@"m\:ss", CultureInfo.InvariantCulture),
        { } d => d.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
    };

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "-",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };
}
