using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Hosting;

// Settings sit next to the binary, whatever directory the silo is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();

try
{
    builder.UseOrleans(silo => silo.AddRaftOrleansSilo(options));
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {string.Join(" ", exception.Failures)}");
    return 2;
}
