/**
 * The project's toolchain, detected from the files of the tree: what the task image installs and
 * how its tests run. Only Debian packages can be installed (task images build from
 * debian:bookworm-slim), so project dependencies from PyPI or npm are not fetched.
 */

export type Granularity = 'per-test' | 'suite';

export interface Toolchain {
  name: 'python' | 'node' | 'make' | 'custom';
  /** FROM line of the task image. */
  baseImage: string;
  /** Debian packages the image installs, one `apt-get install` layer per list. */
  aptLayers: string[][];
  /** The whole test suite, run from the project folder. */
  testCommand: string;
  /** per-test: results per test id (pytest); suite: the command's exit status only. */
  granularity: Granularity;
  /** What was seen, for messages ("pytest.ini", "package.json test script"). */
  evidence: string;
}

export interface DetectOptions {
  /** The user's test command: replaces the detected one, and makes an unknown project minable. */
  testCommand?: string;
  /** The user's base image for a project whose toolchain is not detected. */
  image?: string;
}

export const DEFAULT_BASE_IMAGE = 'debian:bookworm-slim';
/**
 * Layers every task image starts with: Python with pytest, then git (`git apply` plays the reference
 * solution, binary changes included). The bundled tasks install exactly these lines, so the engine
 * builds them once and mined tasks reuse them.
 */
const BASE_LAYERS = [['python3', 'python3-pytest'], ['git']];
function layers(image: string | undefined, ...toolchain: string[][]): string[][] {
  return image ? [] : [...BASE_LAYERS, ...toolchain];
}

// A test file that does not import yet (the fix adds the module) must not stop the other files' tests.
const PYTEST_FLAGS = '-p no:cacheprovider -rA --continue-on-collection-errors';

export type Detection = { ok: true; toolchain: Toolchain } | { ok: false; reason: string };

/**
 * From the tree's file list and a reader for small files. A user's test command wins over the
 * detected one; with an image and no known toolchain, that image is used as is.
 */
export async function detectToolchain(files: readonly string[], read: (path: string) => Promise<string | undefined>, options: DetectOptions = {}): Promise<Detection> {
  const has = (name: string) => files.includes(name);
  const custom = options.testCommand;
  if (has('package.json')) {
    const pkg = parseJson(await read('package.json'));
    const script = typeof pkg?.scripts?.test === 'string' ? pkg.scripts.test : undefined;
    if (script && !/no test specified/.test(script)) {
      const manager = has('pnpm-lock.yaml') ? 'pnpm' : has('yarn.lock') ? 'yarn' : 'npm';
      const deps = Object.keys({ ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) });
      if (deps.length > 0 && !custom && !options.image) {
        return { ok: false, reason: `toolchain not ready: package.json has dependencies (${deps.slice(0, 3).join(', ')}…) that task images cannot download; give --image with them installed and --test-command` };
      }
      return {
        ok: true,
        toolchain: {
          name: 'node', baseImage: options.image ?? DEFAULT_BASE_IMAGE, aptLayers: layers(options.image, ['nodejs']),
          // The package manager's `test` script, run the way it runs it (node_modules/.bin first on PATH).
          testCommand: custom ?? `PATH="$PWD/node_modules/.bin:$PATH" sh -c ${shellQuote(script)}`,
          granularity: 'suite', evidence: `package.json test script (${manager})`,
        },
      };
    }
  }
  const pythonMarkers = ['pytest.ini', 'pyproject.toml', 'setup.py', 'setup.cfg', 'tox.ini', 'conftest.py'];
  const pythonMarker = pythonMarkers.find(has) ?? files.find((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f));
  if (pythonMarker) {
    return {
      ok: true,
      toolchain: {
        name: 'python', baseImage: options.image ?? DEFAULT_BASE_IMAGE, aptLayers: layers(options.image),
        testCommand: custom ?? `python3 -m pytest ${PYTEST_FLAGS}`, granularity: custom ? 'suite' : 'per-test', evidence: pythonMarker,
      },
    };
  }
  const makefile = ['Makefile', 'makefile', 'GNUmakefile'].find(has);
  if (makefile) {
    const text = (await read(makefile)) ?? '';
    const target = /^test\s*:/m.test(text) ? 'test' : /^check\s*:/m.test(text) ? 'check' : undefined;
    if (target || custom) {
      return {
        ok: true,
        toolchain: {
          name: 'make', baseImage: options.image ?? DEFAULT_BASE_IMAGE, aptLayers: layers(options.image, ['gcc', 'libc6-dev', 'make']),
          testCommand: custom ?? `make ${target}`, granularity: 'suite', evidence: `${makefile} target "${target ?? 'custom'}"`,
        },
      };
    }
  }
  if (custom) {
    return {
      ok: true,
      toolchain: { name: 'custom', baseImage: options.image ?? DEFAULT_BASE_IMAGE, aptLayers: layers(options.image), testCommand: custom, granularity: 'suite', evidence: '--test-command' },
    };
  }
  return {
    ok: false,
    reason: 'toolchain not detected (no pytest project, package.json test script or Makefile test target): tell me the image and test command with --image and --test-command',
  };
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

interface PackageJson {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

function parseJson(text: string | undefined): PackageJson | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}
