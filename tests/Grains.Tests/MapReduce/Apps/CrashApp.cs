using System.Globalization;
using System.Text;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>
/// crash / nocrash: the same four keys per file. The crashing variant first asks the test to kill the silo
/// it runs on (a third of the calls) or stalls (another third), as the lab's crash app exits or sleeps.
/// </summary>
public sealed class CrashApp(SiloKillSwitch? killSwitch, TimeSpan maxStall) : IMapReduceApp
{
    public const string CrashName = "crash";
    public const string NoCrashName = "nocrash";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        MaybeCrash(context);
        output.Emit("a", fileName);
        output.Emit("b", fileName.Length.ToString(CultureInfo.InvariantCulture));
        output.Emit("c", Encoding.UTF8.GetByteCount(contents).ToString(CultureInfo.InvariantCulture));
        output.Emit("d", "xyzzy");
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values)
    {
        MaybeCrash(context);
        return string.Join(' ', values.Order(StringComparer.Ordinal));
    }

    private void MaybeCrash(TaskContext context)
    {
        if (killSwitch is null)
        {
            return;
        }

        // The primary silo cannot die, so a run whose kill rolls all land there would test nothing: every call
        // asks for a kill until one has happened, then a third of them do.
        var roll = killSwitch.Kills == 0 ? 0 : Random.Shared.Next(1000);
        if (roll < 330 && killSwitch.TryKill(context.WorkerId))
        {
            throw new OperationCanceledException($"silo {context.WorkerId} was killed under this task");
        }

        if (roll < 660)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * maxStall.TotalMilliseconds));
        }
    }
}
