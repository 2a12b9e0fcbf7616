import v8 from 'node:v8';
import vm from 'node:vm';

/** Growth of V8's heap since the last full collection worth giving back. */
const FULL_COLLECTION_ABOVE_BYTES = 8 * 1024 * 1024;
/** Growth of the memory Buffers hold outside V8's heap worth a young-generation collection. */
const YOUNG_COLLECTION_ABOVE_BYTES = 2 * 1024 * 1024;

export interface HeapTrimmer {
  /** The relay has written every answer it owed: a good moment to give memory back. */
  idle(): void;
}

type Collect = (options?: { type: 'major' | 'minor' }) => void;

/**
 * Keeps a long-running bridge near its start-up size. V8 sizes its heap for throughput: under
 * load its young generation grows and garbage from large results waits in the old one, and a
 * bridge idles for hours between bursts holding all of it. Once start-up is over (the first
 * answer sent: set earlier, the same flags slow start-up), the young generation stops growing
 * and V8 favours size; and after a burst that grew the heap, one full collection runs when the
 * relay is idle.
 *
 * The network buffers a large result arrives in (64 KiB each) and the line they are joined
 * into live outside V8's heap, and go back to the C allocator only when a collection finds them
 * dead; V8 collects for its own heap, not for them. Counting them, with a young-generation
 * collection (about a millisecond) once they grew by 2 MiB, left the allocator about 3 MiB
 * smaller after seven 1 MiB results than waiting for V8 did. What stays (glibc keeps freed
 * memory between live blocks) is measured in bench/README.md.
 */
export function createHeapTrimmer(): HeapTrimmer {
  let startedUp = false;
  let heapBaseline = 0;
  let outsideBaseline = 0;
  let scheduled = false;
  let collect: Collect | undefined;

  const rebase = () => {
    const { used_heap_size, external_memory } = v8.getHeapStatistics();
    heapBaseline = used_heap_size;
    outsideBaseline = external_memory;
  };

  return {
    idle() {
      if (!startedUp) {
        startedUp = true;
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        v8.setFlagsFromString('--optimize-for-size');
        rebase();
        return;
      }
      if (scheduled) return;
      const { used_heap_size, external_memory } = v8.getHeapStatistics();
      const full = used_heap_size - heapBaseline >= FULL_COLLECTION_ABOVE_BYTES;
      if (!full && external_memory - outsideBaseline < YOUNG_COLLECTION_ABOVE_BYTES) return;
      scheduled = true;
      setImmediate(() => {
        // `gc` exists only in a context created after --expose-gc is set.
        collect ??= (v8.setFlagsFromString('--expose-gc'), vm.runInNewContext('gc')) as Collect;
        collect({ type: full ? 'major' : 'minor' });
        rebase();
        scheduled = false;
      });
    },
  };
}
