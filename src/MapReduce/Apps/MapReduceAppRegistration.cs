namespace RaftOrleans.MapReduce.Apps;

public sealed record MapReduceAppRegistration(string Name, IMapReduceApp App);
