using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.MapReduce.Placement;

namespace RaftOrleans.MapReduce.Tasks;

[SpreadPlacement]
internal sealed class ReduceTaskGrain(MapReduceAppRegistry apps, ILocalSiloDetails silo, IOptions<MapReduceOptions> options, ILogger<ReduceTaskGrain> logger)
    : TaskGrain(apps, silo, options, logger), IReduceTaskGrain
{
    protected override string Execute(IMapReduceApp app, TaskContext context, TaskAssignment assignment)
    {
        var path = JobLayout.ReduceAttemptFile(assignment.WorkDirectory, assignment.Index, assignment.Attempt);
        ReduceRunner.Run(app, context, assignment.Inputs, path);
        return path;
    }
}
