namespace SimNet.Windows.Foundation;

/// <summary>The handler of a WinRT event: the sender and the event's arguments (Windows.Foundation.TypedEventHandler).</summary>
/// <typeparam name="TSender">The object raising the event.</typeparam>
/// <typeparam name="TResult">The event's arguments.</typeparam>
/// <param name="sender">The object raising the event.</param>
/// <param name="args">The event's arguments.</param>
public delegate void TypedEventHandler<in TSender, in TResult>(TSender sender, TResult args);
