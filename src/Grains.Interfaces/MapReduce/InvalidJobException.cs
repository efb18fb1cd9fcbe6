namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>A job submission that cannot run as given; nothing was written for it.</summary>
[GenerateSerializer, Alias("mr.InvalidJobException")]
public sealed class InvalidJobException : Exception
{
    public InvalidJobException(string message)
        : base(message)
    {
    }
}
