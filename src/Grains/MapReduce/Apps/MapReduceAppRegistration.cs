namespace RaftOrleans.Grains.MapReduce.Apps;

public sealed record MapReduceAppRegistration(string Name, IMapReduceApp App);
