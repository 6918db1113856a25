// GraphQL Code Generator: typed documents for the tests and for the teacher's page, from the
// checked-in schema.graphql. `npm run codegen` after `npm run schema:print`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/graphql/': {
      documents: ['test/**/*.ts', 'bench/**/*.ts', '!test/graphql/**'],
      preset: 'client',
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
    // the page sends documents as strings: no GraphQL parser or printer in the browser bundle
    'web/src/graphql/': {
      documents: ['web/src/**/*.ts', 'web/src/**/*.tsx', '!web/src/graphql/**'],
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', SafeInt: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
        documentMode: 'string',
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
