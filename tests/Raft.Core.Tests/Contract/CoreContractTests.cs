using System.Reflection;

namespace RaftOrleans.Raft.Core.Tests.Contract;

/// <summary>Guards the shape the grain layer relies on: a pure core whose wire types Orleans can serialize as-is.</summary>
public sealed class CoreContractTests
{
    private static readonly Assembly Core = typeof(RaftNode).Assembly;

    [Fact]
    public void CoreReferencesNoOrleansRuntime()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal)
            || name == "netstandard"
            || name == "Orleans.Serialization.Abstractions",
            $"unexpected reference {name}"));
    }

    [Fact]
    public void WireTypesAreImmutableSerializableRecordsWithIdsAndAliases()
    {
        var wireTypes = Core.GetTypes()
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>(inherit: false) is not null && !t.IsEnum)
            .ToList();
        Assert.Contains(typeof(AppendEntriesRequest), wireTypes);
        Assert.Contains(typeof(LogEntry), wireTypes);
        Assert.Equal(
            Core.GetTypes().Where(t => t.IsSubclassOf(typeof(RaftMessage))).OrderBy(t => t.Name),
            wireTypes.Where(t => t.IsSubclassOf(typeof(RaftMessage))).OrderBy(t => t.Name));

        var aliases = new HashSet<string>();
        foreach (var type in wireTypes)
        {
            Assert.True(type.IsAbstract || type.IsSealed, $"{type.Name} must be sealed");
            Assert.NotNull(type.GetCustomAttribute<ImmutableAttribute>(inherit: false));
            var alias = Assert.Single(type.GetCustomAttributes<AliasAttribute>(inherit: false));
            Assert.StartsWith("raft.", alias.Alias, StringComparison.Ordinal);
            Assert.True(aliases.Add(alias.Alias), $"duplicate alias {alias.Alias}");

            var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            // Every wire type carries its data in fields; a message may carry nothing but the base's sender, receiver and term.
            Assert.True(fields.Length > 0 || type.BaseType == typeof(RaftMessage), $"{type.Name} declares no fields");
            var ids = new HashSet<uint>();
            foreach (var field in fields)
            {
                Assert.True(field.IsInitOnly, $"{type.Name}.{field.Name} must be readonly");
                var id = field.GetCustomAttribute<IdAttribute>();
                Assert.NotNull(id);
                Assert.True(ids.Add(id.Id), $"{type.Name} reuses id {id.Id}");
            }
        }
    }

    [Fact]
    public void ReadyLoopAcrossRestartsReproducesState()
    {
        // A host that persists exactly what Ready says rebuilds an equal peer after a restart.
        var config = new RaftConfig { SelfId = "b", PeerIds = ["a", "b", "c"], ElectionTicks = 10, HeartbeatTicks = 2 };
        var node = new RaftNode(config, new Random(1));
        var hardState = HardState.Initial;
        RaftSnapshot? snapshot = null;
        var log = new List<LogEntry>();
        void Persist()
        {
            while (node.HasReady)
            {
                var ready = node.GetReady();
                if (ready.Snapshot is { } s)
                {
                    snapshot = s;
                    log.RemoveAll(e => e.Index <= s.LastIncludedIndex);
                }

                if (ready.TruncateFrom is { } t)
                {
                    log.RemoveAll(e => e.Index >= t);
                }

                log.AddRange(ready.Entries);
                hardState = ready.HardState ?? hardState;
                node.Advance(ready);
            }
        }

        LogEntry E(long i, long term) => new(i, term, [(byte)i]);
        node.Step(new AppendEntriesRequest("a", "b", 1, 0, 0, [E(1, 1), E(2, 1), E(3, 1), E(4, 1)], 2));
        Persist();
        node.Snapshot(2, [42]);
        Persist();
        node.Step(new RequestVoteRequest("c", "b", 2, 4, 1, false));
        node.Step(new AppendEntriesRequest("c", "b", 2, 3, 1, [E(4, 2), E(5, 2)], 4));
        Persist();

        var restarted = new RaftNode(config, new Random(2), hardState, snapshot, log);
        Assert.Equal(node.CurrentTerm, restarted.CurrentTerm);
        Assert.Equal("c", restarted.VotedFor);
        Assert.Equal(node.LastIndex, restarted.LastIndex);
        Assert.Equal(2, restarted.LastIncludedIndex);
        for (var i = restarted.FirstIndex; i <= restarted.LastIndex; i++)
        {
            Assert.Equal(node.TermAt(i), restarted.TermAt(i));
        }

        Assert.Equal([3, 4, 5], log.Select(e => e.Index));
        Assert.Equal(2, log[1].Term);
    }
}
