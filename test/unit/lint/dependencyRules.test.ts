import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../../helpers/tempDir';

const repo = path.resolve(import.meta.dirname, '../../..');
const config = createRequire(import.meta.url)(
  path.join(repo, '.dependency-cruiser.cjs'),
) as IConfiguration;

/** The rules `npm run lint` applies, over the `src` folder under `baseDir`: the rule names broken. */
async function brokenRules(baseDir: string): Promise<string[]> {
  const result = await cruise(['src'], {
    ...config.options,
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser gave no result');
  return result.output.summary.violations.map((v) => v.rule.name);
}

async function write(dir: string, file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

describe('the dependency rules of npm run lint', () => {
  const temp = withTempDir('splattr-lint-');

  it('find no cycle and no upward import in src', async () => {
    expect(await brokenRules(repo)).toEqual([]);
  });

  it('fail on a cycle added to the real sources, even through a type-only import', async () => {
    await cp(path.join(repo, 'src'), path.join(temp(), 'src'), { recursive: true });
    const log = path.join(temp(), 'src/core/log.ts');
    // The service imports the logger; the logger naming a service type closes a loop.
    await writeFile(
      log,
      `import type { CompanionService } from './service';\nexport type S = CompanionService;\n${await readFile(log, 'utf8')}`,
    );
    const broken = await brokenRules(temp());
    expect(broken).toContain('no-import-cycle');
    expect(broken).toContain('core-basics-imports-upward');
  });

  it('fail on a two-file cycle and on an import from a lower core folder into a higher one', async () => {
    await write(temp(), 'src/shared/a.ts', "import { b } from './b';\nexport const a = b;\n");
    await write(
      temp(),
      'src/shared/b.ts',
      "import type { a } from './a';\nexport const b: typeof a = 1;\n",
    );
    await write(temp(), 'src/core/service/run.ts', 'export const run = 1;\n');
    await write(
      temp(),
      'src/core/oauth/step.ts',
      "import { run } from '../service/run';\nexport const step = run;\n",
    );
    expect(new Set(await brokenRules(temp()))).toEqual(
      new Set(['no-import-cycle', 'core-oauth-registry-imports-upward']),
    );
  });
});
