// Its own module, free of imports: the CLI's --help lists the kinds without loading the asset planning.
/** The files a chart's release can carry, by kind. */
export const ASSET_KINDS = ['package', 'signature', 'bundle', 'lineage', 'changelog', 'readme', 'license'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
