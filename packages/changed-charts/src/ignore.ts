import picomatch from 'picomatch';

/**
 * A test for "this changed file does not count", from glob patterns matched against repository-relative paths
 * (picomatch syntax, dotfiles included). A pattern without `/` matches the base name in any folder, as in
 * `.gitignore`: `*.md` is `**\/*.md`.
 */
export function createIgnoreMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  // picomatch's own `basename` option also rewrites patterns that contain a slash, so anchor by hand
  const match = picomatch(
    patterns.map((p) => (p.includes('/') ? p.replace(/^\.\//, '') : `**/${p}`)),
    { dot: true },
  );
  return (path) => match(path);
}
