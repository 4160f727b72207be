/**
 * Where the `terraconverse` binary is: the `terraconverse.server.path` setting, else
 * the binary bundled in the extension's `bin/`, else `terraconverse` on PATH. Pure
 * (file checks are passed in) so each case is tested without a file system.
 */
import * as path from 'path';

export interface ServerLocation {
  command: string;
  /** Where it came from, for the output channel and error messages. */
  source: 'setting' | 'bundled' | 'path';
}

export interface Probe {
  isFile(p: string): boolean;
  /** The PATH entries to search. */
  pathDirs: string[];
  platform: NodeJS.Platform;
}

export function binaryName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'terraconverse.exe' : 'terraconverse';
}

/** Finds the binary, or explains in one message what was tried and how to fix it. */
export function resolveServer(setting: string | undefined, extensionPath: string, probe: Probe): ServerLocation | { error: string } {
  const name = binaryName(probe.platform);
  const configured = setting?.trim();
  if (configured) {
    if (probe.isFile(configured)) return { command: configured, source: 'setting' };
    return {
      error: `terraconverse.server.path is set to "${configured}", but there is no file there. Fix the setting or clear it to use the bundled binary.`,
    };
  }
  const bundled = path.join(extensionPath, 'bin', name);
  if (probe.isFile(bundled)) return { command: bundled, source: 'bundled' };
  for (const dir of probe.pathDirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (probe.isFile(candidate)) return { command: candidate, source: 'path' };
  }
  return {
    error: `Could not find the ${name} binary: no terraconverse.server.path setting, none bundled in ${path.join(extensionPath, 'bin')}, none on PATH. Install it (cargo install --path server/cli) or set terraconverse.server.path.`,
  };
}

/** The environment of the server process: the LLM settings, and the API key from SecretStorage. */
export function serverEnv(
  base: NodeJS.ProcessEnv,
  llm: { baseUrl?: string; model?: string; apiKey?: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // The key travels only in the child's environment: never in settings, arguments or logs.
  if (llm.apiKey) env.TERRACONVERSE_LLM_API_KEY = llm.apiKey;
  if (llm.baseUrl) env.TERRACONVERSE_LLM_BASE_URL = llm.baseUrl;
  if (llm.model) env.TERRACONVERSE_LLM_MODEL = llm.model;
  return env;
}
