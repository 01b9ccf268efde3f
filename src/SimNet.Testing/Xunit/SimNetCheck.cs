using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace SimNet.Testing;

/// <summary>
/// The <see cref="SimNetPropertyAttribute"/> convention for a property inside an xunit <c>[Theory]</c> (FsCheck.Xunit's
/// <c>[Property]</c> takes no <c>[MemberData]</c>): the same seed choice, <c>SIMNET_SEED</c>, and replay line.
/// </summary>
/// <example><code>
/// [Theory]
/// [MemberData(nameof(Names))]
/// public void Each_idiom_replays(string name) => SimNetCheck.Run(Prop.ForAll(Arb.From(Cases), c => ...), maxTest: 8);
/// </code></example>
public static class SimNetCheck
{
    /// <summary>
    /// Checks <paramref name="property"/> for <paramref name="maxTest"/> cases from one SimNet seed; a failure throws
    /// with the seed, the line that replays it, and FsCheck's shrunk case.
    /// </summary>
    public static void Run(Property property, int maxTest = 100, [CallerMemberName] string test = "")
    {
        ArgumentNullException.ThrowIfNull(property);
        long seed = SimNetSeed.Choose();
        var replay = new Replay(new Rnd(unchecked((ulong)seed), SimNetSeed.Gamma), FSharpOption<int>.None);
        try
        {
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true).WithReplay(replay), property);
        }
        catch (Exception e)
        {
            throw new PropertyFailedException(SimNetSeed.ReplayLine(seed, test), e);
        }
    }
}

/// <summary>A SimNet property failed: the message starts with the seed and the line that replays it.</summary>
public sealed class PropertyFailedException : Exception
{
    /// <summary>Wraps FsCheck's failure <paramref name="inner"/> behind <paramref name="replayLine"/>.</summary>
    public PropertyFailedException(string replayLine, Exception inner)
        : base(replayLine + Environment.NewLine + inner?.Message, inner)
    {
    }
}
