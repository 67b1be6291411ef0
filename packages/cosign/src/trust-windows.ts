import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';

/**
 * Why a transparency log entry of `bundle` was logged outside the validity window (`validFor`) of its log's key in
 * the trusted root, or undefined when every entry is inside. @sigstore/verify checks the window for signed entry
 * timestamps but not for inclusion proofs (checkpoints); a retired or not-yet-valid log key must not vouch for
 * anything, so every entry is checked here.
 */
export function tlogWindowProblem(root: TrustedRoot, bundle: Bundle): string | undefined {
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const keyId = Buffer.from(entry.logId?.keyId ?? []);
    const logs = root.tlogs.filter((log) => Buffer.from(log.logId?.keyId ?? []).equals(keyId));
    // an unknown log is refused by the verifier itself
    if (logs.length === 0) continue;
    const integrated = Number(entry.integratedTime);
    const at = integrated > 0 ? new Date(integrated * 1000) : new Date();
    const inside = logs.some((log) => {
      const window = log.publicKey?.validFor;
      return (!window?.start || window.start <= at) && (!window?.end || at <= window.end);
    });
    if (!inside) {
      const window = logs[0]!.publicKey?.validFor;
      return `transparency log entry ${String(entry.logIndex)} was logged at ${at.toISOString()}, outside the validity window of its log key in the trusted root (${window?.start?.toISOString() ?? '-∞'} to ${window?.end?.toISOString() ?? '∞'})`;
    }
  }
  return undefined;
}
