using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using RaftOrleans.Hosting;
using RaftOrleans.Silo;
using RaftOrleans.Silo.Jobs;

// One silo per process. Configuration: appsettings.json beside the binary, then environment variables
// (RaftOrleans__Redis=...), then the command line (--RaftOrleans:SiloPort=11112), later ones winning.
if (SiloUsage.IsRequested(args))
{
    Console.WriteLine(SiloUsage.Text);
    return SiloExitCodes.Success;
}

IConfigurationRoot configuration;
try
{
    configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();
}
catch (Exception exception) when (exception is FormatException or InvalidDataException)
{
    // An argument that is no setting, a broken appsettings.json.
    var cause = exception.InnerException is { } inner ? $" ({inner.Message})" : string.Empty;
    await Console.Error.WriteLineAsync($"error: invalid configuration: {exception.Message}{cause} Run with --help for the settings.".ReplaceLineEndings(" "));
    return SiloExitCodes.InvalidConfiguration;
}

// Every section at once, the features' included: a value of the wrong type or out of range, or a setting no silo
// reads (a misspelt name), is refused here.
var invalid = SiloSettings.Check(configuration)
    .Concat(SiloSettings.Unknown(configuration, SiloSettings.CommandLineKeys(args)))
    .ToList();
if (invalid.Count > 0)
{
    await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", invalid)} Run with --help for the settings.".ReplaceLineEndings(" "));
    return SiloExitCodes.InvalidConfiguration;
}

var options = configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
var dashboard = configuration.GetSection(SiloDashboardOptions.SectionName).Get<SiloDashboardOptions>() ?? new SiloDashboardOptions();

using var ports = StartupChecks.ClaimPorts(options, dashboard, out var portError);
if (ports is null)
{
    await Console.Error.WriteLineAsync($"error: {portError}");
    return SiloExitCodes.Unavailable;
}

if (options.UsesRedis && await SiloHostRedis.CheckReachableAsync(options.Redis!, CancellationToken.None) is { } redisError)
{
    await Console.Error.WriteLineAsync($"error: {redisError} ({SiloHostOptions.SectionName}:{nameof(SiloHostOptions.Redis)}); is Redis running there?");
    return SiloExitCodes.Unavailable;
}

// The web host (Kestrel) only when the dashboard is on; otherwise the silo opens no HTTP port at all.
IHostApplicationBuilder builder = dashboard.Enabled
    ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory })
    : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));

// Every silo runs the dashboard's grains and statistics (a dashboard's grains activate on any silo of the
// cluster); only a silo with the dashboard enabled serves its web UI.
builder.UseOrleans(silo => silo.AddRaftOrleansSilo(options).AddDashboard());

IHost host;
var dashboardUrl = $"http://{dashboard.Address}:{dashboard.Port}/";
if (builder is WebApplicationBuilder web)
{
    web.WebHost.UseUrls(dashboardUrl);
    var app = web.Build();
    app.UseDashboardJobsLink();
    app.MapOrleansDashboard();
    app.MapGet(JobListPage.Path, async (IGrainFactory grains) => Results.Content(await JobListPage.RenderAsync(grains), "text/html; charset=utf-8"));
    app.MapGet(JobPage.Route, async (IGrainFactory grains, string id, int? page) =>
        await JobPage.RenderAsync(grains, id, page ?? 1) is { } html
            ? Results.Content(html, "text/html; charset=utf-8")
            : Results.NotFound($"No job '{id}' is known to this cluster."));
    host = app;
}
else
{
    host = ((HostApplicationBuilder)builder).Build();
}

using (host)
{
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RaftOrleans.Silo");
    var siloAddress = $"{(options.UsesRedis ? options.AdvertisedIPAddress : "127.0.0.1")}:{options.SiloPort}";
    try
    {
        await host.StartAsync();
    }
    catch (Exception exception)
    {
        SiloLog.StartFailed(logger, exception.Message, exception);
        await Console.Error.WriteLineAsync($"error: the silo failed to start: {exception.Message}");
        return SiloExitCodes.Failed;
    }

    var clusterId = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId;
    var mode = options.UsesRedis ? "Redis clustering and storage" : $"SQLite clustering and storage in {options.DataDirectory}";
    SiloLog.Started(logger, siloAddress, clusterId, mode, options.GatewayPort);
    if (dashboard.Enabled)
    {
        SiloLog.Dashboard(logger, dashboardUrl);
        SiloLog.JobsPage(logger, $"{dashboardUrl.TrimEnd('/')}{JobListPage.Path}");
    }

    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    lifetime.ApplicationStopping.Register(() => SiloLog.Stopping(logger, siloAddress));
    await host.WaitForShutdownAsync();
    SiloLog.Stopped(logger, siloAddress);
    return SiloExitCodes.Success;
}
