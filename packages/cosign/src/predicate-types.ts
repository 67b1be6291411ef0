// cosign's short names for predicate types (cmd/cosign/cli/options/predicate.go, PredicateTypeMap); any other value
// must be a URI and is used as is.
const PREDICATE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
};

/** The predicate type URI for cosign's `--type` value (`slsaprovenance1`, ...) or a URI; undefined when neither. */
export function resolvePredicateType(type: string): string | undefined {
  const alias = PREDICATE_TYPE_ALIASES[type];
  if (alias) return alias;
  return URL.canParse(type) && /^[a-z][a-z0-9+.-]*:/i.test(type) ? type : undefined;
}
