namespace RaftOrleans.MapReduce.Apps;

public interface IMapOutput
{
    void Emit(string key, string value);
}
