using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.MapReduce.Placement;

namespace RaftOrleans.MapReduce.Tasks;

[SpreadPlacement]
internal sealed class MapTaskGrain(MapReduceAppRegistry apps, ILocalSiloDetails silo, IOptions<MapReduceOptions> options, ILogger<MapTaskGrain> logger)
    : TaskGrain(apps, silo, options, logger), IMapTaskGrain
{
    protected override string Execute(IMapReduceApp app, TaskContext context, TaskAssignment assignment)
    {
        var directory = JobLayout.MapAttemptDirectory(assignment.WorkDirectory, assignment.Index, assignment.Attempt);
        MapRunner.Run(app, context, assignment.Inputs[0], assignment.ReduceTasks, directory, assignment.Offset, assignment.Length);
        return directory;
    }
}
