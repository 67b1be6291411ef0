import { packageLintConfig } from '../../eslint.package.mjs';

// the 13 MB OpenAPI description is read with require() at run time, which the check cannot see
export default packageLintConfig({ ignoredDependencies: ['@octokit/openapi'] });
