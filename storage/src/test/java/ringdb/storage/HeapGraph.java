package ringdb.storage;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The heap bytes of the objects reachable from a root, each laid out as this JVM lays it out (field
 * offsets and array layout read from the JVM itself): a measure that needs no garbage collection and
 * sees no other thread's objects. Classes are not followed (they are shared, not owned).
 */
final class HeapGraph {
    private static final int ALIGNMENT = Integer.parseInt(ManagementFactory
            .getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("ObjectAlignmentInBytes").getValue());
    private static final Object UNSAFE;
    private static final MethodHandle FIELD_OFFSET;
    private static final MethodHandle GET_OBJECT;
    private static final MethodHandle ARRAY_BASE;
    private static final MethodHandle ARRAY_SCALE;
    private static final Map<Class<?>, Layout> LAYOUTS = new IdentityHashMap<>();

    static {
        try {
            // looked up by name: javac warns of every direct use of this class, and it is only read here
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field instance = type.getDeclaredField("theUnsafe");
            instance.setAccessible(true);
            UNSAFE = instance.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FIELD_OFFSET = lookup.findVirtual(type, "objectFieldOffset",
                    MethodType.methodType(long.class, Field.class));
            GET_OBJECT = lookup.findVirtual(type, "getObject",
                    MethodType.methodType(Object.class, Object.class, long.class));
            ARRAY_BASE = lookup.findVirtual(type, "arrayBaseOffset", MethodType.methodType(int.class, Class.class));
            ARRAY_SCALE = lookup.findVirtual(type, "arrayIndexScale", MethodType.methodType(int.class, Class.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HeapGraph() {
    }

    /** The shallow size and the reference fields' offsets of a class's instances. */
    private record Layout(long size, long[] references) {
    }

    /** Bytes of {@code root} and everything reachable from it. */
    static long bytesReachableFrom(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> pending = new ArrayDeque<>();
        pending.push(root);
        long total = 0;
        while (!pending.isEmpty()) {
            Object object = pending.pop();
            if (object instanceof Class<?> || !seen.add(object)) {
                continue;
            }
            Class<?> type = object.getClass();
            if (type.isArray()) {
                int length = Array.getLength(object);
                total += align((int) call(ARRAY_BASE, type) + (long) length * (int) call(ARRAY_SCALE, type));
                if (!type.getComponentType().isPrimitive()) {
                    for (Object element : (Object[]) object) {
                        if (element != null) {
                            pending.push(element);
                        }
                    }
                }
                continue;
            }
            Layout layout = LAYOUTS.computeIfAbsent(type, HeapGraph::layout);
            total += layout.size();
            for (long offset : layout.references()) {
                Object referenced = call(GET_OBJECT, offset, object);
                if (referenced != null) {
                    pending.push(referenced);
                }
            }
        }
        return total;
    }

    private static Layout layout(Class<?> type) {
        long end = (int) call(ARRAY_BASE, byte[].class) - 4; // the object header: an array's, less its length
        List<Long> references = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                long offset = (long) call(FIELD_OFFSET, field);
                Class<?> fieldType = field.getType();
                end = Math.max(end, offset + (fieldType.isPrimitive() ? primitiveBytes(fieldType)
                        : (int) call(ARRAY_SCALE, Object[].class)));
                if (!fieldType.isPrimitive()) {
                    references.add(offset);
                }
            }
        }
        return new Layout(align(end), references.stream().mapToLong(Long::longValue).toArray());
    }

    private static int primitiveBytes(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        return type == short.class || type == char.class ? 2 : 1;
    }

    private static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static Object call(MethodHandle handle, Object argument) {
        try {
            return handle.invoke(UNSAFE, argument);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the heap layout of " + argument, e);
        }
    }

    private static Object call(MethodHandle handle, long offset, Object object) {
        try {
            return handle.invoke(UNSAFE, object, offset);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read a field of " + object.getClass(), e);
        }
    }
}
