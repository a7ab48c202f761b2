/**
 * The built-in command presets: Claude Code, Codex CLI, OpenCode and Aider, each pinned to a version
 * (the trial records the CLI's own `--version`), pointed at the metering proxy with the base-URL
 * settings it honours, and with its telemetry, error reporting, update checks and other
 * nonessential traffic turned off. Every model call goes through the proxy: the background calls
 * some CLIs make with a second, smaller model are sent to the benchmarked model too, so one model
 * is measured and priced.
 */
import { NODE_22 } from './install';
import { parsePreset, type CommandPreset } from './preset';

const CLAUDE_CODE = {
  name: 'claude-code',
  description: "Anthropic's Claude Code (npm @anthropic-ai/claude-code), headless: claude -p … --output-format stream-json. Anthropic Messages protocol.",
  protocol: 'anthropic',
  version: '2.1.332',
  // The package is a wrapper whose postinstall (Node >= 22 by its engines) copies the native build
  // for this machine over bin/claude.exe. npm 9 (Debian's) fetches the builds for both libcs (about
  // 400 MB each); once the copy runs, the platform packages are dropped.
  install: [
    'if [[ "$(claude --version 2>/dev/null || true)" == "${KB_VERSION} "* ]]; then kb_log "Claude Code ${KB_VERSION} is already installed"; exit 0; fi',
    `kb_ensure_node 22 ${NODE_22}`,
    'npm install -g --no-audit --no-fund "@anthropic-ai/claude-code@${KB_VERSION}" >&2',
    'dir="$(npm root -g)/@anthropic-ai/claude-code"',
    'if "$dir/bin/claude.exe" --version >/dev/null 2>&1; then rm -rf "$dir"/node_modules/@anthropic-ai/claude-code-*; fi',
    'claude --version',
  ].join('\n'),
  versionCommand: 'claude --version',
  command: 'claude -p --model {model} --output-format stream-json --verbose --dangerously-skip-permissions -- {instruction}',
  env: {
    ANTHROPIC_BASE_URL: '{baseUrl}',
    ANTHROPIC_API_KEY: '{apiKey}',
    ANTHROPIC_MODEL: '{model}',
    // Claude Code's "small fast model" (haiku) and the model aliases: the benchmarked model too.
    ANTHROPIC_SMALL_FAST_MODEL: '{model}',
    ANTHROPIC_DEFAULT_HAIKU_MODEL: '{model}',
    ANTHROPIC_DEFAULT_SONNET_MODEL: '{model}',
    ANTHROPIC_DEFAULT_OPUS_MODEL: '{model}',
    CLAUDE_CODE_SUBAGENT_MODEL: '{model}',
    CLAUDE_CONFIG_DIR: '{home}/.claude',
    // As root, --dangerously-skip-permissions is refused unless the process is told it is sandboxed.
    IS_SANDBOX: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    DISABLE_NON_ESSENTIAL_MODEL_CALLS: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
  },
  output: 'claude-stream-json',
};

const CODEX = {
  name: 'codex',
  description: "OpenAI's Codex CLI (npm @openai/codex), codex exec --json, through a custom model provider at the proxy. " +
    'Codex speaks the OpenAI Responses API only (its Chat Completions support was removed early in 2026): use a model whose provider serves /v1/responses ' +
    "(OpenAI, or KiloBench's simulated provider with sim/<profile> models).",
  protocol: 'openai',
  version: '0.171.0',
  install: [
    'if [[ "$(codex --version 2>/dev/null || true)" == *" ${KB_VERSION}" ]]; then kb_log "Codex ${KB_VERSION} is already installed"; exit 0; fi',
    `kb_ensure_node 16 ${NODE_22}`,
    'npm install -g --no-audit --no-fund "@openai/codex@${KB_VERSION}" >&2',
    'codex --version',
  ].join('\n'),
  versionCommand: 'codex --version',
  command: [
    'mkdir -p "$CODEX_HOME" && exec codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
    '-c model_provider=kilobench -c model_providers.kilobench.name=KiloBench -c model_providers.kilobench.base_url={baseUrl}',
    '-c model_providers.kilobench.env_key=KILOBENCH_API_KEY -c model_providers.kilobench.wire_api=responses',
    '-c analytics.enabled=false -c check_for_update_on_startup=false',
    // Codex appends whatever stdin holds to the prompt: give it none.
    '-m {model} -- {instruction} < /dev/null',
  ].join(' '),
  env: {
    CODEX_HOME: '{home}/.codex',
    KILOBENCH_API_KEY: '{apiKey}',
    OPENAI_BASE_URL: '{baseUrl}',
    OPENAI_API_KEY: '{apiKey}',
    NO_COLOR: '1',
  },
  output: 'codex-json',
};

/** OpenCode's configuration: one OpenAI-compatible provider at the proxy, nothing else enabled. */
const OPENCODE_CONFIG = JSON.stringify({
  $schema: 'https://opencode.ai/config.json',
  provider: {
    kb: {
      npm: '@ai-sdk/openai-compatible',
      name: 'KiloBench (metered)',
      options: { baseURL: '{baseUrl}', apiKey: '{apiKey}' },
      models: { '{model}': { name: '{model}', tool_call: true } },
    },
  },
  enabled_providers: ['kb'],
  model: 'kb/{model}',
  small_model: 'kb/{model}',
  autoupdate: false,
  share: 'disabled',
});

const OPENCODE = {
  name: 'opencode',
  description: 'OpenCode (npm opencode-ai), opencode run --format json, with an OpenAI-compatible provider at the proxy (configured like the Kilo harness). OpenAI Chat Completions protocol.',
  protocol: 'openai',
  version: '1.18.33',
  install: [
    'if [[ "$(opencode --version 2>/dev/null || true)" == "${KB_VERSION}" ]]; then kb_log "OpenCode ${KB_VERSION} is already installed"; exit 0; fi',
    `kb_ensure_node 18 ${NODE_22}`,
    'npm install -g --no-audit --no-fund "opencode-ai@${KB_VERSION}" >&2',
    'opencode --version',
  ].join('\n'),
  versionCommand: 'opencode --version',
  command: 'exec opencode run --auto --pure --format json --print-logs --log-level WARN -m kb/{model} -- {instruction}',
  env: {
    OPENCODE_CONFIG_CONTENT: OPENCODE_CONFIG,
    XDG_CONFIG_HOME: '{home}/.config',
    XDG_DATA_HOME: '{home}/.local/share',
    XDG_CACHE_HOME: '{home}/.cache',
    XDG_STATE_HOME: '{home}/.local/state',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_TELEMETRY_LEVEL: 'off',
  },
  output: 'opencode-json',
};

const AIDER = {
  name: 'aider',
  description: 'Aider (PyPI aider-chat, in a venv), one message then exit, OpenAI-compatible at the proxy. Needs PyPI at install time: ' +
    'where only the npm registry and Debian are reachable (as on KiloBench\'s own CI) its install fails with a clear message.',
  protocol: 'openai',
  version: '0.86.2',
  install: [
    'if [[ "$(aider --version 2>/dev/null || true)" == *"${KB_VERSION}"* ]]; then kb_log "Aider ${KB_VERSION} is already installed"; exit 0; fi',
    'if ! command -v python3 >/dev/null 2>&1 || ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then kb_apt_install python3 python3-venv python3-pip; fi',
    'python3 -m venv /opt/kilobench/aider',
    '/opt/kilobench/aider/bin/pip install --disable-pip-version-check -q "aider-chat==${KB_VERSION}" >&2 || kb_die "pip could not install aider-chat ${KB_VERSION}: PyPI must be reachable when the image is built"',
    'ln -sf /opt/kilobench/aider/bin/aider /usr/local/bin/aider',
    'rm -rf /root/.cache/pip',
    'aider --version',
  ].join('\n'),
  versionCommand: 'aider --version',
  command: 'exec aider --model openai/{model} --message-file {instructionFile} --yes-always --no-auto-commits --no-dirty-commits --no-check-update --no-show-release-notes --analytics-disable --no-pretty --no-fancy-input --no-detect-urls --no-show-model-warnings',
  env: {
    OPENAI_API_BASE: '{baseUrl}',
    OPENAI_API_KEY: '{apiKey}',
    AIDER_ANALYTICS_DISABLE: 'true',
    AIDER_CHECK_UPDATE: 'false',
    // litellm would fetch its model price list from GitHub at start.
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
  },
  output: 'text',
};

export const BUILTIN_PRESETS: readonly CommandPreset[] = [CLAUDE_CODE, CODEX, OPENCODE, AIDER].map((p, i) => parsePreset(p, `built-in preset #${i + 1}`));

export function builtinPreset(name: string): CommandPreset | undefined {
  return BUILTIN_PRESETS.find((p) => p.name === name);
}
