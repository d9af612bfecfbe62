using System;
using System.Reflection;

namespace Pipeline.Core.Processing;

// What a handler's type does with the optional members of IEventHandler<T>, decided once per processor.
internal static class HandlerInterface
{
    // A handler that keeps the empty default OnBatchStart is not called per batch at all: calling a default interface
    // method on a struct handler boxes it, once per batch. The runtime type is asked (not THandler), so a subclass
    // that re-implements the method is still called.
    public static bool ImplementsBatchStart<T>(Type handlerType)
    {
        ArgumentNullException.ThrowIfNull(handlerType);
        Type contract = typeof(IEventHandler<T>);
        InterfaceMapping map = handlerType.GetInterfaceMap(contract);
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i].Name == nameof(IEventHandler<T>.OnBatchStart))
            {
                return map.TargetMethods[i].DeclaringType != contract;
            }
        }

        return true;
    }
}
