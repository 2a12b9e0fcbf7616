import v8 from 'node:v8';
import vm from 'node:vm';

/** Heap growth since the last collection worth giving back: a few large results' worth. */
const TRIM_ABOVE_BYTES = 8 * 1024 * 1024;

export interface HeapTrimmer {
  /** The relay has written every answer it owed: a good moment to give memory back. */
  idle(): void;
}

/**
 * Keeps a long-running bridge near its start-up size. V8 sizes its heap for throughput: under
 * load its young generation grows and garbage from large results waits in the old one, and a
 * bridge idles for hours between bursts holding all of it. Once start-up is over (the first
 * answer sent: set earlier, the same flags slow start-up), the young generation stops growing
 * and V8 favours size; and after a burst that grew the heap, one full collection runs when the
 * relay is idle. The effect is measured in bench/README.md.
 */
export function createHeapTrimmer(): HeapTrimmer {
  let startedUp = false;
  let baseline = 0;
  let scheduled = false;
  let collect: (() => void) | undefined;
  const used = () => v8.getHeapStatistics().used_heap_size;

  return {
    idle() {
      if (!startedUp) {
        startedUp = true;
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        v8.setFlagsFromString('--optimize-for-size');
        baseline = used();
        return;
      }
      if (scheduled || used() - baseline < TRIM_ABOVE_BYTES) return;
      scheduled = true;
      setImmediate(() => {
        // `gc` exists only in a context created after --expose-gc is set.
        collect ??= (v8.setFlagsFromString('--expose-gc'), vm.runInNewContext('gc')) as () => void;
        collect();
        baseline = used();
        scheduled = false;
      });
    },
  };
}
