using Microsoft.Data.Sqlite;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage.Sqlite;

/// <summary>
/// The SQL of the Raft store on one connection, with prepared commands kept for its lifetime. Callers run the
/// write methods inside a transaction; <see cref="BeforeWrite"/> runs before each statement that writes (tests
/// fail one there to prove a crash at any statement leaves the state before or after the whole write).
/// </summary>
internal sealed class SqliteRaftStatements(SqliteConnection connection, string serviceId) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = [];

    public Action? BeforeWrite { get; set; }

    /// <summary>Claims the peer: bumps its incarnation (creating its row when it joins a group) and reads it back.</summary>
    public RaftPeerData Claim(string peer, RaftGroupConfig? join, string? location)
    {
        var update = Command(
            "UPDATE raft_peer SET incarnation = incarnation + 1, location = $loc, grp = coalesce(grp, $grp) WHERE service_id = $s AND peer = $p RETURNING id",
            ("$s", serviceId), ("$p", peer), ("$loc", (object?)location ?? DBNull.Value), ("$grp", join is null ? DBNull.Value : RaftRecordCodec.EncodeGroup(join)));
        BeforeWrite?.Invoke();
        var id = update.ExecuteScalar();
        if (id is null)
        {
            if (join is null)
            {
                return RaftPeerData.Empty;
            }

            var insert = Command(
                "INSERT INTO raft_peer (service_id, peer, incarnation, location, grp, term, voted_for) VALUES ($s, $p, 1, $loc, $grp, 0, NULL) RETURNING id",
                ("$s", serviceId), ("$p", peer), ("$loc", (object?)location ?? DBNull.Value), ("$grp", RaftRecordCodec.EncodeGroup(join)));
            BeforeWrite?.Invoke();
            id = insert.ExecuteScalar();
            if ((long)id! > SqliteRaftSchema.MaxPeerId)
            {
                throw new InvalidOperationException($"Raft storage: this database holds at most {SqliteRaftSchema.MaxPeerId} peers.");
            }
        }

        return Read(peer, (long)id!);
    }

    /// <summary>Drops the peer's log, snapshot, term and vote and marks it retired if <paramref name="incarnation"/> owns it; false (and nothing changed) if not.</summary>
    public bool Retire(string peer, long incarnation, Membership successors)
    {
        var owner = Command(
            "UPDATE raft_peer SET successors = $next, term = 0, voted_for = NULL WHERE service_id = $s AND peer = $p AND incarnation = $inc RETURNING id",
            ("$s", serviceId), ("$p", peer), ("$inc", incarnation), ("$next", MembershipCodec.Encode(successors)));
        BeforeWrite?.Invoke();
        if (owner.ExecuteScalar() is not long id)
        {
            return false;
        }

        Write("DELETE FROM raft_snapshot WHERE peer_id = $id", ("$id", id));
        Write("DELETE FROM raft_entry WHERE id BETWEEN $lo AND $hi", ("$lo", SqliteRaftSchema.EntryId(id, 0)), ("$hi", SqliteRaftSchema.EntryId(id, SqliteRaftSchema.MaxIndex)));
        return true;
    }

    /// <summary>Applies one write if <paramref name="incarnation"/> owns the peer; false (and nothing written) if not.</summary>
    public bool Save(string peer, long incarnation, RaftPeerWrite write)
    {
        // The owner check is part of the transaction; without a new hard state it only reads, so an append
        // dirties no page but the log's.
        var owner = write.HardState is { } hard
            ? Command(
                "UPDATE raft_peer SET term = $term, voted_for = $vote WHERE service_id = $s AND peer = $p AND incarnation = $inc RETURNING id",
                ("$s", serviceId), ("$p", peer), ("$inc", incarnation), ("$term", hard.CurrentTerm), ("$vote", (object?)hard.VotedFor ?? DBNull.Value))
            : Command(
                "SELECT id FROM raft_peer WHERE service_id = $s AND peer = $p AND incarnation = $inc",
                ("$s", serviceId), ("$p", peer), ("$inc", incarnation));
        BeforeWrite?.Invoke();
        if (owner.ExecuteScalar() is not long id)
        {
            return false;
        }

        if (write.Snapshot is { } snapshot)
        {
            Write("INSERT OR REPLACE INTO raft_snapshot (peer_id, idx, term, data, members) VALUES ($id, $idx, $term, $data, $members)",
                ("$id", id), ("$idx", snapshot.LastIncludedIndex), ("$term", snapshot.LastIncludedTerm), ("$data", snapshot.Data),
                ("$members", snapshot.Membership is { } members ? MembershipCodec.Encode(members) : DBNull.Value));
            Write("DELETE FROM raft_entry WHERE id BETWEEN $lo AND $hi", ("$lo", SqliteRaftSchema.EntryId(id, 1)), ("$hi", SqliteRaftSchema.EntryId(id, Math.Min(snapshot.LastIncludedIndex, SqliteRaftSchema.MaxIndex))));
        }

        if (write.TruncateFrom is { } from)
        {
            Write("DELETE FROM raft_entry WHERE id BETWEEN $lo AND $hi", ("$lo", SqliteRaftSchema.EntryId(id, Math.Max(from, 1))), ("$hi", SqliteRaftSchema.EntryId(id, SqliteRaftSchema.MaxIndex)));
        }

        foreach (var entry in write.Entries)
        {
            if (entry.Index is < 1 or > SqliteRaftSchema.MaxIndex)
            {
                throw new ArgumentOutOfRangeException(nameof(write), entry.Index, $"Raft storage holds log indices 1 to {SqliteRaftSchema.MaxIndex}.");
            }

            Write("INSERT INTO raft_entry (id, term, kind, command) VALUES ($id, $term, $kind, $command)",
                ("$id", SqliteRaftSchema.EntryId(id, entry.Index)), ("$term", entry.Term), ("$kind", (int)entry.Kind), ("$command", entry.Command));
        }

        return true;
    }

    public RaftPeerOwner ReadOwner(string peer)
    {
        using var reader = Command("SELECT incarnation, grp, location FROM raft_peer WHERE service_id = $s AND peer = $p", ("$s", serviceId), ("$p", peer)).ExecuteReader();
        return reader.Read()
            ? new RaftPeerOwner(reader.GetInt64(0), reader.IsDBNull(1) ? null : RaftRecordCodec.DecodeGroup((byte[])reader.GetValue(1)), reader.IsDBNull(2) ? null : reader.GetString(2))
            : RaftPeerOwner.None;
    }

    public RaftPeerData Read(string peer)
    {
        var id = Command("SELECT id FROM raft_peer WHERE service_id = $s AND peer = $p", ("$s", serviceId), ("$p", peer)).ExecuteScalar();
        return id is long peerId ? Read(peer, peerId) : RaftPeerData.Empty;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
    }

    private RaftPeerData Read(string peer, long id)
    {
        long incarnation;
        RaftGroupConfig? group;
        HardState hardState;
        Membership? successors;
        using (var reader = Command("SELECT incarnation, grp, term, voted_for, successors FROM raft_peer WHERE id = $id", ("$id", id)).ExecuteReader())
        {
            reader.Read();
            incarnation = reader.GetInt64(0);
            group = reader.IsDBNull(1) ? null : RaftRecordCodec.DecodeGroup((byte[])reader.GetValue(1));
            hardState = new HardState(reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            successors = reader.IsDBNull(4) ? null : MembershipCodec.Decode((byte[])reader.GetValue(4));
        }

        RaftSnapshot? snapshot = null;
        using (var reader = Command("SELECT idx, term, data, members FROM raft_snapshot WHERE peer_id = $id", ("$id", id)).ExecuteReader())
        {
            if (reader.Read())
            {
                var members = reader.IsDBNull(3) ? null : MembershipCodec.Decode((byte[])reader.GetValue(3));
                snapshot = new RaftSnapshot(reader.GetInt64(0), reader.GetInt64(1), (byte[])reader.GetValue(2), members);
            }
        }

        var entries = new List<LogEntry>();
        var first = SqliteRaftSchema.EntryId(id, 0);
        using (var reader = Command("SELECT id, term, kind, command FROM raft_entry WHERE id BETWEEN $lo AND $hi ORDER BY id", ("$lo", first + 1), ("$hi", first + SqliteRaftSchema.MaxIndex)).ExecuteReader())
        {
            while (reader.Read())
            {
                var index = reader.GetInt64(0) - first;
                var kind = (LogEntryKind)reader.GetInt32(2);
                if (!Enum.IsDefined(kind))
                {
                    throw new RaftStorageCorruptException(peer, "log", index, $"unknown entry kind {(int)kind}");
                }

                entries.Add(new LogEntry(index, reader.GetInt64(1), (byte[])reader.GetValue(3), kind));
            }
        }

        return new RaftPeerData(incarnation, group, hardState, snapshot, entries, successors);
    }

    private void Write(string sql, params (string Name, object Value)[] parameters)
    {
        var command = Command(sql, parameters);
        BeforeWrite?.Invoke();
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands[sql] = command;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value;
        }

        return command;
    }
}
