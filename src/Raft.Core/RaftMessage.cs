namespace RaftOrleans.Raft.Core;

/// <summary>
/// Base of every message exchanged between peers. Each concrete message is an immutable record that Orleans can
/// serialize as-is (codegen runs in the assembly that declares the grains, through
/// <c>[assembly: GenerateCodeForDeclaringAssembly(typeof(RaftMessage))]</c>).
/// NB: serialized members are public readonly fields, not init-only properties: Orleans' code generator, running in
/// another assembly, can populate fields but reports ORLEANS0101 for init/get-only properties. For the same reason this
/// project does not produce a reference assembly (ORLEANS0110).
/// </summary>
/// <param name="From">Sender peer id.</param>
/// <param name="To">Destination peer id.</param>
/// <param name="Term">The sender's term (for a pre-vote request: the term the sender would campaign in).</param>
[GenerateSerializer, Immutable, Alias("raft.Message")]
public abstract record RaftMessage(
    string From,
    string To,
    long Term)
{
    [Id(0)]
    public readonly string From = From;

    [Id(1)]
    public readonly string To = To;

    [Id(2)]
    public readonly long Term = Term;

    /// <summary>A rough serialized size in bytes, used by hosts and tests to count traffic.</summary>
    public virtual long SizeEstimate => 32 + From.Length + To.Length;
}
