using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>
/// The timer heap (four-ary, keys kept beside the entries) must give exactly the (due, sequence) order
/// of a sorted model, whatever sequence of arming, moving, cancelling and taking the earliest it sees.
/// </summary>
public class TimerHeapOrderTests
{
    private sealed class Timer : TimerEntry
    {
        public override void OnEvent(object? state, long tag)
        {
        }
    }

    /// <summary>
    /// One step: 0 = arm or move timer t to due d, 1 = cancel timer t, 2 = take the earliest, 3 = the earliest falls
    /// due and moves one period on (d % 3 picks a period of 1, 7 or 100: the agenda's periodic timers, which the
    /// heap's first-in first-out run takes).
    /// </summary>
    private static readonly Gen<(int Kind, int Timer, int Due)> Steps =
        from kind in Gen.Frequency((6, Gen.Constant(0)), (2, Gen.Constant(1)), (3, Gen.Constant(2)), (4, Gen.Constant(3)))
        from timer in Gen.Choose(0, 40)
        from due in Gen.Frequency((3, Gen.Choose(0, 5)), (2, Gen.Choose(0, 1000)))
        select (kind, timer, due);

    [SimNetProperty]
    public Property Timers_fire_in_due_then_creation_order_after_any_sequence_of_moves_and_cancels()
    {
        return Prop.ForAll(Arb.From(Gen.ListOf(Steps)), steps =>
        {
            var heap = new TimerHeap();
            var timers = new Timer[41];
            for (int i = 0; i < timers.Length; i++)
            {
                timers[i] = new Timer { Sequence = i };
            }

            var model = new SortedSet<(long Due, long Sequence)>();
            foreach ((int kind, int t, int due) in steps)
            {
                Timer timer = timers[t];
                switch (kind)
                {
                    case 0:
                        if (timer.IsArmed)
                        {
                            model.Remove((timer.Due, timer.Sequence));
                        }

                        heap.Set(timer, due);
                        model.Add((due, timer.Sequence));
                        break;
                    case 1:
                        if (timer.IsArmed)
                        {
                            model.Remove((timer.Due, timer.Sequence));
                        }

                        heap.Remove(timer);
                        Assert.False(timer.IsArmed);
                        break;
                    case 2 when model.Count > 0:
                        (long Due, long Sequence) first = model.Min;
                        model.Remove(first);
                        TimerEntry? head = heap.Peek();
                        Assert.NotNull(head);
                        Assert.Equal(first, (head.Due, head.Sequence));
                        heap.Remove(head);
                        break;
                    case 3 when model.Count > 0:
                        (long Due, long Sequence) due0 = model.Min;
                        Assert.True(heap.TryPeekKey(out long keyDue, out long keySequence, out TimerEntry? earliest));
                        Assert.Equal(due0, (keyDue, keySequence));
                        Assert.Equal(due0, (earliest!.Due, earliest.Sequence));
                        long next = due0.Due + (due % 3 == 0 ? 1 : due % 3 == 1 ? 7 : 100);
                        model.Remove(due0);
                        model.Add((next, due0.Sequence));
                        heap.Set(earliest, next);
                        break;
                }

                Assert.Equal(model.Count, heap.Count);
            }

            var rest = new List<(long, long)>();
            while (heap.Peek() is { } head)
            {
                rest.Add((head.Due, head.Sequence));
                heap.Remove(head);
            }

            return rest.SequenceEqual(model) && heap.Count == 0;
        });
    }
}
