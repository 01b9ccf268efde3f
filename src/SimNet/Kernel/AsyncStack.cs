using System.Reflection;
using System.Runtime.CompilerServices;
using SimNet.Time;

namespace SimNet.Kernel;

/// <summary>
/// Names where a stuck task waits, for a deadlock report: the chain of async methods it is suspended
/// in and what the innermost one awaits (a SimNet wait, a real <c>Task.Delay</c>, a semaphore...).
/// </summary>
/// <remarks>
/// It reads compiler-generated state machines (their awaiter fields) by reflection, as debuggers'
/// "async stacks" do. That shape is an implementation detail of the C# compiler and the runtime, so
/// this is best effort and only ever used to word a report: when a step is not recognised the chain
/// stops there and the report says so.
/// </remarks>
internal static class AsyncStack
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static string Describe(Task task, IReadOnlyList<SimulationWait> waits)
    {
        var frames = new List<string>();
        string leaf = Walk(task, waits, frames, depth: 0);
        return frames.Count == 0 ? leaf : string.Join(" → ", frames) + " → " + leaf;
    }

    private static string Walk(Task task, IReadOnlyList<SimulationWait> waits, List<string> frames, int depth)
    {
        foreach (SimulationWait w in waits)
        {
            if (ReferenceEquals(w.WaitTask, task))
            {
                return w.DescribeWait();
            }
        }

        if (depth > 32)
        {
            return "…";
        }

        Type type = task.GetType();
        FieldInfo? machineField = type.GetField("StateMachine", Fields);
        if (machineField?.GetValue(task) is IAsyncStateMachine machine)
        {
            frames.Add(MethodName(machine.GetType()));
            foreach (FieldInfo f in machine.GetType().GetFields(Fields))
            {
                if (f.Name.StartsWith("<>u__", StringComparison.Ordinal) && AwaitedBy(f.GetValue(machine)) is { } awaited)
                {
                    if (awaited is Task inner && !inner.IsCompleted)
                    {
                        return Walk(inner, waits, frames, depth + 1);
                    }

                    if (awaited is not Task)
                    {
                        return DescribeSource(awaited); // an IValueTaskSource behind a ValueTask
                    }
                }
            }

            return "an await SimNet cannot see into";
        }

        // ValueTask.AsTask over a value-task source (a SimNet operation awaited as a Task).
        if (type.GetField("_source", Fields)?.GetValue(task) is { } source and not Task)
        {
            return DescribeSource(source);
        }

        return DescribeLeaf(task);
    }

    private static string MethodName(Type machine)
    {
        // "<PingAsync>d__3" declared in Client → Client.PingAsync; a lambda "<<Main>$>b__0_0>d" → Program.Main (lambda)
        string name = machine.Name;
        int depth = 0;
        while (depth < name.Length && name[depth] == '<')
        {
            depth++;
        }

        int close = name.IndexOf('>', StringComparison.Ordinal);
        string method = depth > 0 && close > depth ? name[depth..close] : name;
        if (depth > 1 || name.Contains(">b__", StringComparison.Ordinal))
        {
            method += " (lambda)";
        }
        Type? owner = machine.DeclaringType;
        while (owner is not null && owner.Name.StartsWith('<'))
        {
            owner = owner.DeclaringType;
        }

        return owner is null ? method : owner.Name + "." + method;
    }

    /// <summary>The task or value-task source an awaiter holds, if it holds one that is still pending.</summary>
    private static object? AwaitedBy(object? awaiter)
    {
        if (awaiter is null)
        {
            return null;
        }

        Type t = awaiter.GetType();
        if (t.GetField("m_task", Fields)?.GetValue(awaiter) is Task task)
        {
            return task.IsCompleted ? null : task;
        }

        if (t.GetField("_value", Fields)?.GetValue(awaiter) is { } valueTask
            && valueTask.GetType().GetField("_obj", Fields)?.GetValue(valueTask) is { } obj)
        {
            return obj is Task inner ? (inner.IsCompleted ? null : inner) : obj;
        }

        return null;
    }

    private static string DescribeSource(object source)
    {
        if (source is SimulationWait wait)
        {
            return wait.DescribeWait();
        }

        return $"a pending {source.GetType().Name}";
    }

    private static string DescribeLeaf(Task task)
    {
        string name = task.GetType().Name;
        if (name.Contains("DelayPromise", StringComparison.Ordinal))
        {
            foreach (FieldInfo f in task.GetType().GetFields(Fields))
            {
                if (f.GetValue(task) is VirtualTimer)
                {
                    return "a Task.Delay on the simulation's clock";
                }
            }

            return "a real Task.Delay (wall clock) that the simulation cannot advance: pass sim.Clock (Task.Delay(t, sim.Clock))";
        }

        if (name.Contains("TaskNode", StringComparison.Ordinal))
        {
            return "SemaphoreSlim.WaitAsync, which nothing releases";
        }

        if (name.Contains("WhenAll", StringComparison.Ordinal) || name.Contains("WhenAny", StringComparison.Ordinal))
        {
            return $"Task.{(name.Contains("WhenAll", StringComparison.Ordinal) ? "WhenAll" : "WhenAny")} over tasks that do not complete";
        }

        return task.GetType() == typeof(Task) || (task.GetType().IsGenericType && task.GetType().GetGenericTypeDefinition() == typeof(Task<>))
            ? "a task nothing in the simulation completes (a TaskCompletionSource, a real timer or real I/O?)"
            : $"a pending {name}";
    }
}
