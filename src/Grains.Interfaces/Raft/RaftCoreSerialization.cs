using RaftOrleans.Raft.Core;

// The core's wire types carry serialization attributes only; their codecs are generated in this assembly.
[assembly: GenerateCodeForDeclaringAssembly(typeof(RaftMessage))]
