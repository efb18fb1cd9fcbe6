using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using RaftOrleans.Grains.Tests.KeyValue;
using RaftOrleans.KeyValue.Service;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Storage;
using RaftOrleans.Raft.Storage.Sqlite;
using RaftOrleans.Sqlite.Hosting;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// Every Raft test silo: Raft peers on SQLite storage shared by the whole cluster (it survives a silo
/// kill, like the lab's persister) behind a fault switch, the recording state machine, and the lab network on
/// peer calls, and a count of the client requests grains send to each peer.
/// </summary>
public sealed class RaftSiloConfigurator : ISiloConfigurator
{
    public const string DatabaseKey = "RaftTests:Database";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var database = siloBuilder.Configuration[DatabaseKey] ?? throw new InvalidOperationException($"{DatabaseKey} is not set.");
        siloBuilder.Services.AddSingleton<IRaftStorage>(services => new FaultyRaftStorage(new SqliteRaftStorage(
            new SqliteRaftStorageOptions { Directory = database },
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId)));
        siloBuilder
            .AddSqliteGrainDirectory(DirectoryNames.RaftPeers, options => options.DatabasePath = database + ".directory")
            .AddRaft(options =>
            {
                options.TickPeriod = TimeSpan.FromMilliseconds(50);
                options.ElectionTicks = 10;
                options.HeartbeatTicks = 2;
                options.SnapshotEveryEntries = 10;
                options.RebalancePeriod = TimeSpan.FromSeconds(1);
            })
            .AddRaftStateMachine(RecordingStateMachine.Name, peer => new RecordingStateMachine(peer))
            .AddKeyValueStore(options => options.MaxValueLength = KeyValueServiceTests.MaxValueLength)
            .AddOutgoingGrainCallFilter<RaftNetworkFilter>()
            .AddOutgoingGrainCallFilter<PeerCallCounter>();
    }
}
