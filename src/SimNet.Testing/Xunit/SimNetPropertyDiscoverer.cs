using System.ComponentModel;
using FsCheck.Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SimNet.Testing;

/// <summary>Discovers <see cref="SimNetPropertyAttribute"/> methods as <see cref="SimNetPropertyTestCase"/>s (xunit plumbing).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SimNetPropertyDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink messageSink;

    /// <summary>Creates the discoverer; xunit calls this.</summary>
    public SimNetPropertyDiscoverer(IMessageSink messageSink) => this.messageSink = messageSink;

    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new SimNetPropertyTestCase(messageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>
/// FsCheck.Xunit's property test case, run with one SimNet seed: the seed becomes FsCheck's replay seed, and the
/// line that replays it is added to the test's output when it passes and to the failure message when it fails.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SimNetPropertyTestCase : PropertyTestCase
{
    /// <summary>For xunit's deserializer.</summary>
    public SimNetPropertyTestCase()
    {
    }

    /// <summary>Creates the test case for <paramref name="testMethod"/>.</summary>
    public SimNetPropertyTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, null)
    {
    }

    /// <inheritdoc />
    public override Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        long seed = SimNetSeed.Choose();
        string name = TestMethod.TestClass.Class.Name + "." + TestMethod.Method.Name;
        var bus = new ReplayLineBus(messageBus, SimNetSeed.ReplayLine(seed, name));
        return SimNetSeed.With(seed, () => base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource));
    }

    /// <summary>Adds the replay line to what a finished test reports.</summary>
    private sealed class ReplayLineBus(IMessageBus inner, string line) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message) => inner.QueueMessage(message switch
        {
            ITestPassed p => new TestPassed(p.Test, p.ExecutionTime, Append(p.Output)),
            ITestFailed f => new TestFailed(f.Test, f.ExecutionTime, Append(f.Output), f.ExceptionTypes, Prefix(f.Messages), f.StackTraces, f.ExceptionParentIndices),
            _ => message,
        });

        public void Dispose()
        {
            // The inner bus belongs to xunit.
        }

        private string Append(string? output) => string.IsNullOrEmpty(output) ? line + Environment.NewLine : output + line + Environment.NewLine;

        private string[] Prefix(string[] messages)
        {
            var copy = (string[])messages.Clone();
            if (copy.Length > 0)
            {
                copy[0] = line + Environment.NewLine + copy[0];
            }

            return copy;
        }
    }
}
