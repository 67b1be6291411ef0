import { setFlagsFromString } from 'node:v8';

/**
 * Keeps the V8 heap of a publish run close to what the run keeps alive. A run allocates some 600 MB of short-lived
 * objects (HTTP requests and responses, journal rewrites) while charts are in flight, and what it keeps is a few tens
 * of MB; left to its defaults V8 grows the young generation by what survives its scavenges (to 128 MB) and lets the
 * old generation grow to several times its live size before collecting it, and the resident memory follows. Both
 * growth factors are read whenever V8 sizes a space, so setting them at run time takes effect (the sizes fixed at
 * start are not, and the Action cannot pass Node flags); the extra collections cost little next to a run's network
 * waits. Called before the command's modules load, the young generation keeps its 1 MB semi-spaces; loading them
 * first grows it to 8 MB.
 */
export function limitHeapGrowth(): void {
  // the young generation stays at the size it starts with
  setFlagsFromString('--semi-space-growth-factor=1');
  // the old generation is collected once it grows by 30% over what the last collection kept
  setFlagsFromString('--heap-growing-percent=30');
}
