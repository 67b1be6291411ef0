import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at the size it starts with for the rest of this process. A publish run allocates some
 * 600 MB of short-lived objects (HTTP requests and responses, journal rewrites) with charts in flight whose requests
 * outlive a scavenge; V8 grows the young generation by what survives, to 64 MB per semi-space, and the resident
 * memory with it, while what the run keeps is a few tens of MB. The growth factor is read each time V8 would grow the
 * space, so setting it at run time takes effect (the maximum size is fixed when the process starts, and the Action
 * cannot pass Node flags); more frequent, smaller scavenges cost little next to the run's network waits.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
