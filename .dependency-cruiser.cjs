/**
 * The dependency rule of ../shared/ARCHITECTURE.md, checked on every `npm test`:
 * arrows point inward only (entrypoints -> adapters -> application -> domain),
 * and the core (domain + application) imports no runtime or framework.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'src/domain holds pure rules; it may import nothing outside src/domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-imports-only-core',
      comment: 'src/application may import only src/domain and src/application.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|application)/' },
    },
    {
      name: 'core-imports-no-runtime',
      comment:
        'The core runs unchanged in Node, Lambda, workerd and a browser: no packages, no node: builtins.',
      severity: 'error',
      from: { path: '^src/(domain|application)/' },
      to: {
        dependencyTypes: [
          'npm',
          'npm-dev',
          'npm-optional',
          'npm-peer',
          'npm-no-pkg',
          'npm-unknown',
          'core',
          'unknown',
          'undetermined',
        ],
      },
    },
    {
      name: 'adapters-do-not-import-entrypoints',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/entrypoints/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
