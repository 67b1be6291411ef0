// GitHub stores the Content-Type of an upload and serves the asset with it
const BY_SUFFIX: [string, string][] = [
  ['.tgz', 'application/gzip'],
  ['.tar.gz', 'application/gzip'],
  ['.sigstore.json', 'application/vnd.dev.sigstore.bundle.v0.3+json'],
  ['.intoto.jsonl', 'application/vnd.in-toto+json'],
  ['.json', 'application/json'],
  ['.md', 'text/markdown; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
  ['.pem', 'application/x-pem-file'],
  ['.pub', 'application/x-pem-file'],
  ['.sig', 'application/octet-stream'],
  ['.prov', 'application/pgp-signature'],
];

/** The Content-Type to upload a release asset with, from its file name. */
export function contentTypeFor(fileName: string): string {
  const lower = fileName.toLowerCase();
  for (const [suffix, type] of BY_SUFFIX) if (lower.endsWith(suffix)) return type;
  // LICENSE, NOTICE, COPYING and other extension-less text files
  if (/^(license|licence|notice|copying|authors)(\.[a-z]+)?$/i.test(fileName)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
