import { createHmac } from 'node:crypto';
import { commitObject } from './git-objects.ts';
import type { CommitRecord, GitPerson } from './state.ts';

/**
 * Commits GitHub makes for a token through the API (Git Data or contents API, no custom author or committer) are
 * signed by GitHub and shown as verified, committer `GitHub <noreply@github.com>`. The emulator's signature is an
 * armored block over the commit text; it has the shape of GitHub's but is not an OpenPGP signature anyone can check.
 * https://docs.github.com/en/rest/git/commits#signature-verification-object
 */
export const WEB_FLOW_COMMITTER = {
  name: 'GitHub',
  email: 'noreply@github.com',
};

const SIGNING_SECRET = 'github-emulator web-flow';

/** A signed commit record with git's sha for it. */
export function signedCommit(
  fields: {
    tree: string;
    parents: string[];
    author: GitPerson;
    committer: GitPerson;
    message: string;
    authorLogin?: string;
  },
  now: string,
): CommitRecord {
  const { payload } = commitObject(fields);
  const mac = createHmac('sha256', SIGNING_SECRET).update(payload).digest('base64');
  const signature = `-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJ${mac}\n=${mac.slice(0, 4)}\n-----END PGP SIGNATURE-----\n`;
  return {
    ...fields,
    sha: commitObject(fields, signature).sha,
    signature: { signature, payload, verified_at: now },
  };
}

/** An unsigned commit record (custom author or committer, or a signature the caller brought). */
export function unsignedCommit(
  fields: {
    tree: string;
    parents: string[];
    author: GitPerson;
    committer: GitPerson;
    message: string;
    authorLogin?: string;
  },
  signature?: string,
): CommitRecord {
  return { ...fields, sha: commitObject(fields, signature).sha };
}

/** `12345+login@users.noreply.github.com`, the address GitHub gives an account's commits. */
export function noreplyEmail(login: string, id: number): string {
  return `${id}+${login}@users.noreply.github.com`;
}
