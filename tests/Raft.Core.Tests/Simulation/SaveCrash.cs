namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>Where an injected crash strikes a save.</summary>
public enum SaveCrash
{
    None,
    BeforeWrite,
    AfterWrite,
}
