namespace RaftOrleans.KeyValue;

public enum KvOperation : byte
{
    Get = 0,
    Put = 1,
    Append = 2,
}
