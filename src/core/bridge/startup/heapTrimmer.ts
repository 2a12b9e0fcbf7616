import v8 from 'node:v8';
import vm from 'node:vm';

/** Growth of V8's heap since the last full collection worth giving back. */
const FULL_COLLECTION_ABOVE_BYTES = 8 * 1024 * 1024;
/** At most one young-generation collection this often, however fast calls come. */
const YOUNG_COLLECTION_EVERY_MS = 10;

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
 * What Splattr's answers arrive in (64 KiB network buffers, and the lines joined from them) lives
 * outside V8's heap, in the C allocator, and goes back only when a collection finds it dead; V8
 * collects for its own heap, not for that. Collected when V8 needed to, or once such buffers
 * added up to 2 MiB, glibc's heap grew with every large result: after 1000 calls and thirty
 * 1 MiB results it held 24 MiB, 16 of them free but in pieces between live blocks. A young-
 * generation collection each time the relay is idle kept it at 6 MiB; at most one per 10 ms
 * (a fraction of a millisecond each) bounds what a burst of calls pays, and kept it there too.
 * bench/README.md has the figures.
 */
export function createHeapTrimmer(): HeapTrimmer {
  let startedUp = false;
  let heapBaseline = 0;
  let lastCollection = -Infinity;
  let scheduled = false;
  let collect: Collect | undefined;

  return {
    idle() {
      if (!startedUp) {
        startedUp = true;
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        v8.setFlagsFromString('--optimize-for-size');
        heapBaseline = v8.getHeapStatistics().used_heap_size;
        return;
      }
      if (scheduled || Date.now() - lastCollection < YOUNG_COLLECTION_EVERY_MS) return;
      scheduled = true;
      setImmediate(() => {
        const full =
          v8.getHeapStatistics().used_heap_size - heapBaseline >= FULL_COLLECTION_ABOVE_BYTES;
        // `gc` exists only in a context created after --expose-gc is set.
        collect ??= (v8.setFlagsFromString('--expose-gc'), vm.runInNewContext('gc')) as Collect;
        collect({ type: full ? 'major' : 'minor' });
        if (full) heapBaseline = v8.getHeapStatistics().used_heap_size;
        lastCollection = Date.now();
        scheduled = false;
      });
    },
  };
}
