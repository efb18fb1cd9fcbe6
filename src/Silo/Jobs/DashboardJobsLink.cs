using System.Text;

namespace RaftOrleans.Silo.Jobs;

/// <summary>
/// Puts a link to the jobs page on the Orleans dashboard's own page (which has no place for one): its HTML gets a
/// small fixed link before <c>&lt;/body&gt;</c>. Every other response passes untouched.
/// </summary>
internal static class DashboardJobsLink
{
    private const string Link =
        $"<a href=\"{JobListPage.Path}\" style=\"position:fixed;right:1em;bottom:1em;z-index:9999;padding:.5em 1em;background:#1f6feb;color:#fff;border-radius:4px;font:14px system-ui,sans-serif;text-decoration:none\">MapReduce jobs</a>";

    public static IApplicationBuilder UseDashboardJobsLink(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path != "/" && context.Request.Path != "/index.html")
        {
            await next(context);
            return;
        }

        // The page as the dashboard writes it, uncompressed, then with the link.
        context.Request.Headers.AcceptEncoding = "identity";
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var bytes = buffer.ToArray();
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var page = Encoding.UTF8.GetString(bytes);
            var end = page.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            if (end >= 0)
            {
                bytes = Encoding.UTF8.GetBytes(page.Insert(end, Link));
            }
        }

        context.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes);
    });
}
