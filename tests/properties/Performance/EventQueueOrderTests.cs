using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>The event queue's in-order run must not change the (due, sequence) order a single heap gives.</summary>
public class EventQueueOrderTests
{
    private sealed class Nothing : IEventHandler
    {
        public static readonly Nothing Instance = new();

        public void OnEvent(object? state, long tag)
        {
        }
    }

    /// <summary>One step: 0 = schedule at now + delay, 1 = schedule with a sequence taken earlier, 2 = take the next event.</summary>
    private static readonly Gen<(int Kind, int Delay)> Steps =
        from kind in Gen.Frequency((5, Gen.Constant(0)), (2, Gen.Constant(1)), (3, Gen.Constant(2)))
        from delay in Gen.Frequency((4, Gen.Constant(0)), (3, Gen.Choose(1, 3)), (1, Gen.Choose(4, 50)))
        select (kind, delay);

    [SimNetProperty]
    public Property Events_come_out_in_due_then_sequence_order_whatever_the_scheduling_order()
    {
        return Prop.ForAll(Arb.From(Gen.ListOf(Steps)), steps =>
        {
            var queue = new EventQueue();
            var model = new SortedSet<(long Due, long Sequence)>();
            var reserved = new Queue<long>();
            long now = 0;
            var taken = new List<(long, long)>();
            var expected = new List<(long, long)>();
            foreach ((int kind, int delay) in steps)
            {
                switch (kind)
                {
                    case 0:
                        long seq = queue.Schedule(now + delay, Nothing.Instance, null, 0);
                        model.Add((now + delay, seq));
                        reserved.Enqueue(queue.NextSequence()); // a timer created now, armed later
                        break;
                    case 1 when reserved.Count > 0:
                        long early = reserved.Dequeue();
                        queue.ScheduleWithSequence(now + delay, early, Nothing.Instance, null, 0);
                        model.Add((now + delay, early));
                        break;
                    case 2 when model.Count > 0:
                        (long Due, long Sequence) first = model.Min;
                        model.Remove(first);
                        expected.Add(first);
                        Assert.True(queue.TryPeekDue(out long peeked));
                        Assert.Equal(first.Due, peeked);
                        Assert.False(queue.TryDequeue(first.Due - 1, out _, out long notYet)); // not due yet: nothing taken
                        Assert.Equal(first.Due, notYet);
                        Assert.True(queue.TryDequeue(first.Due, out EventQueue.Entry entry, out long due));
                        taken.Add((due, entry.Sequence));
                        now = Math.Max(now, due);
                        break;
                }
            }

            while (queue.TryDequeue(out EventQueue.Entry entry, out long due))
            {
                taken.Add((due, entry.Sequence));
            }

            expected.AddRange(model);
            return taken.SequenceEqual(expected) && queue.Count == 0;
        });
    }
}
