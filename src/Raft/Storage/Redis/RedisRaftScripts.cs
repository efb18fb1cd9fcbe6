namespace RaftOrleans.Raft.Storage.Redis;

/// <summary>
/// The Lua scripts of the Raft store. Redis runs a script atomically, and a script that fails half-way keeps what
/// it wrote so far, so each one checks everything first and then issues only writes that cannot fail. Indices travel as decimal strings (a Lua number would print
/// as 1e+15 past 14 digits). Keys of one
/// peer share a hash tag (one cluster slot): KEYS[1] the meta hash (incarnation, group, term, vote, snapshot
/// index, term and configuration, first and last stored index), KEYS[2] the snapshot's data, KEYS[3] the log hash (index to entry).
/// </summary>
internal static class RedisRaftScripts
{
    private const string ReadAll =
        """
        local snapshot = redis.call('GET', KEYS[2])
        if not snapshot then snapshot = '' end
        return { redis.call('HGETALL', KEYS[1]), snapshot, redis.call('HGETALL', KEYS[3]) }
        """;

    /// <summary>ARGV[1]: the group to join, or empty; ARGV[2]: the claimer's location. Returns nil for a peer that has nothing and joins nothing.</summary>
    public const string Claim =
        """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          if ARGV[1] == '' then return false end
          redis.call('HSET', KEYS[1], 'inc', 0, 'term', 0, 'first', 1, 'last', 0)
        end
        redis.call('HINCRBY', KEYS[1], 'inc', 1)
        redis.call('HSET', KEYS[1], 'loc', ARGV[2])
        if ARGV[1] ~= '' and redis.call('HEXISTS', KEYS[1], 'grp') == 0 then
          redis.call('HSET', KEYS[1], 'grp', ARGV[1])
        end
        """ + "\n" + ReadAll;

    /// <summary>ARGV[1]: the incarnation that must own the peer; ARGV[2]: its successors' configuration. Returns 0 when fenced (nothing changed).</summary>
    public const string Retire =
        """
        if redis.call('HGET', KEYS[1], 'inc') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('HDEL', KEYS[1], 'vote', 'si', 'st', 'sm')
        redis.call('HSET', KEYS[1], 'term', 0, 'first', 1, 'last', 0, 'ret', ARGV[2])
        return 1
        """;

    /// <summary>Returns nil for a peer with no state.</summary>
    public const string Read =
        """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        """ + "\n" + ReadAll;

    /// <summary>
    /// ARGV: [1] incarnation, [2] '1' when a hard state follows, [3] term, [4] vote ('' none, else '=' and the
    /// peer id), [5] '1' when a snapshot follows, [6] its index, [7] its term, [8] its data, [9] its configuration
    /// ('' for the initial one), [10] truncate-from index or '', [11] the index of the first entry, [12..] the entries.
    /// Returns 0 when fenced (nothing written).
    /// </summary>
    public const string Save =
        """
        if redis.call('HGET', KEYS[1], 'inc') ~= ARGV[1] then return 0 end
        local first = tonumber(redis.call('HGET', KEYS[1], 'first'))
        local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
        local function drop(from, to)
          local batch = {}
          for i = from, to do
            batch[#batch + 1] = string.format('%d', i)
            if #batch == 1000 then
              redis.call('HDEL', KEYS[3], unpack(batch))
              batch = {}
            end
          end
          if #batch > 0 then redis.call('HDEL', KEYS[3], unpack(batch)) end
        end
        if ARGV[5] == '1' then
          local index = tonumber(ARGV[6])
          redis.call('SET', KEYS[2], ARGV[8])
          redis.call('HSET', KEYS[1], 'si', ARGV[6], 'st', ARGV[7])
          if ARGV[9] == '' then redis.call('HDEL', KEYS[1], 'sm') else redis.call('HSET', KEYS[1], 'sm', ARGV[9]) end
          drop(first, math.min(index, last))
          if first <= index then first = index + 1 end
          if last < index then last = index end
        end
        if ARGV[10] ~= '' then
          local from = tonumber(ARGV[10])
          if from <= last then
            drop(math.max(from, first), last)
            last = math.max(from, first) - 1
          end
        end
        local count = #ARGV - 11
        if count > 0 then
          local index = tonumber(ARGV[11])
          local fields = {}
          for k = 1, count do
            fields[#fields + 1] = string.format('%d', index + k - 1)
            fields[#fields + 1] = ARGV[11 + k]
            if #fields == 2000 then
              redis.call('HSET', KEYS[3], unpack(fields))
              fields = {}
            end
          end
          if #fields > 0 then redis.call('HSET', KEYS[3], unpack(fields)) end
          last = index + count - 1
        end
        if ARGV[2] == '1' then
          redis.call('HSET', KEYS[1], 'term', ARGV[3])
          if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'vote') else redis.call('HSET', KEYS[1], 'vote', ARGV[4]) end
        end
        redis.call('HSET', KEYS[1], 'first', string.format('%d', first), 'last', string.format('%d', last))
        return 1
        """;
}
